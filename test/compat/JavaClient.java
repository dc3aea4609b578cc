import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A client of the page written as long-lived Java code writes one: HttpURLConnection, URLEncoder,
 * a multipart body built by hand, the DOM parser; no libraries. Run as a single-file program (java JavaClient.java).
 *
 * Reads the origin on the first line of stdin, then one request a line: tab-separated METHOD, PATH,
 * ENCODING (none, multipart, urlencoded), QUERY, FORM, where QUERY and FORM are comma-separated
 * name:value pairs and every path, name and value is base64 (UTF-8). Prints one answer a line:
 * STATUS, HEADERS (name:value pairs), BODY, READ (root element then its leaf children as name:value
 * pairs, or "-" when the answer is not XML), base64 the same way.
 */
public class JavaClient {
  static final Base64.Decoder DECODE = Base64.getDecoder();
  static final Base64.Encoder ENCODE = Base64.getEncoder();

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String origin = in.readLine();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      out.println(send(origin, line.split("\t", -1)));
    }
  }

  static String text(String base64) {
    return new String(DECODE.decode(base64), StandardCharsets.UTF_8);
  }

  static String b64(String text) {
    return ENCODE.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static List<String[]> pairs(String list) {
    List<String[]> fields = new ArrayList<>();
    if (list.isEmpty()) return fields;
    for (String pair : list.split(",")) {
      String[] parts = pair.split(":", -1);
      fields.add(new String[] {text(parts[0]), text(parts[1])});
    }
    return fields;
  }

  static String urlencoded(List<String[]> fields) throws Exception {
    StringBuilder encoded = new StringBuilder();
    for (String[] field : fields) {
      if (encoded.length() > 0) encoded.append('&');
      encoded.append(URLEncoder.encode(field[0], "UTF-8")).append('=').append(URLEncoder.encode(field[1], "UTF-8"));
    }
    return encoded.toString();
  }

  static String send(String origin, String[] request) throws Exception {
    String method = request[0];
    List<String[]> query = pairs(request[3]);
    List<String[]> form = pairs(request[4]);
    String url = origin + text(request[1]) + (query.isEmpty() ? "" : "?" + urlencoded(query));
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    connection.setRequestMethod(method);
    // A 302 (SuccessfulUrl, FailedUrl) is an answer under test: report it, do not follow it.
    connection.setInstanceFollowRedirects(false);
    byte[] body = null;
    if (request[2].equals("multipart")) {
      String boundary = "----JavaBoundary" + UUID.randomUUID().toString().replace("-", "");
      StringBuilder multipart = new StringBuilder();
      for (String[] field : form) {
        multipart.append("--").append(boundary).append("\r\n")
            .append("Content-Disposition: form-data; name=\"").append(field[0]).append("\"\r\n\r\n")
            .append(field[1]).append("\r\n");
      }
      multipart.append("--").append(boundary).append("--\r\n");
      body = multipart.toString().getBytes(StandardCharsets.UTF_8);
      connection.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + boundary);
    } else if (request[2].equals("urlencoded")) {
      body = urlencoded(form).getBytes(StandardCharsets.US_ASCII);
      connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
    }
    if (body != null) {
      connection.setDoOutput(true);
      try (OutputStream sent = connection.getOutputStream()) {
        sent.write(body);
      }
    }
    int status = connection.getResponseCode();
    StringBuilder headers = new StringBuilder();
    for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
      if (header.getKey() == null) continue;
      if (headers.length() > 0) headers.append(',');
      headers.append(b64(header.getKey())).append(':').append(b64(String.join(", ", header.getValue())));
    }
    InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    byte[] received = stream == null ? new byte[0] : stream.readAllBytes();
    String type = connection.getContentType();
    String read = type != null && type.contains("xml") ? readXml(received) : "-";
    return status + "\t" + headers + "\t" + ENCODE.encodeToString(received) + "\t" + read;
  }

  /** The root element's name and its leaf children as the DOM parser reads them. */
  static String readXml(byte[] body) {
    try {
      Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(body)).getDocumentElement();
      StringBuilder read = new StringBuilder(b64(root.getTagName()));
      for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
        if (child instanceof Element && ((Element) child).getElementsByTagName("*").getLength() == 0) {
          read.append(',').append(b64(child.getNodeName())).append(':').append(b64(child.getTextContent()));
        }
      }
      return read.toString();
    } catch (Exception error) {
      return "!" + b64(String.valueOf(error.getMessage()));
    }
  }
}
