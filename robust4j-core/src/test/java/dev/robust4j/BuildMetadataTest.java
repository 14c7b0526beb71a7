package dev.robust4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM has no parent on purpose (an imported BOM must not bring robust4j-parent's whole
 * dependency management), so it repeats the parent's version, the native versions and the home
 * address. This keeps the copies equal: a release that bumps one and forgets the other fails here.
 */
class BuildMetadataTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theBomRepeatsTheParentsVersionsExactly() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        Document bom = read(ROOT.resolve("robust4j-bom").resolve("pom.xml"));
        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(parent.getDocumentElement(), "version"));
        for (String p : List.of("djl.version", "libtorch.version", "onnxruntime.version")) {
            assertThat(property(bom, p)).as(p).isNotBlank().isEqualTo(property(parent, p));
        }
        String home = property(parent, "robust4j.home");
        assertThat(home).isNotBlank();
        List<String> urls = new ArrayList<>();
        collectUrls(bom.getDocumentElement(), urls);
        assertThat(urls).isNotEmpty();
        for (String url : urls) {
            if (!url.contains("apache.org/licenses")) {
                assertThat(url).as("a home address in the BOM").startsWith(home).doesNotContain("${");
            }
        }
        String text = Files.readString(ROOT.resolve("robust4j-bom").resolve("pom.xml"));
        assertThat(text).contains("scm:git:" + home + ".git");
    }

    private static Document read(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static String child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().trim();
            }
        }
        return null;
    }

    private static String property(Document d, String name) {
        for (Node n = d.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("properties")) {
                return child(e, name);
            }
        }
        return null;
    }

    private static void collectUrls(Element e, List<String> out) {
        if (e.getTagName().equals("url") || e.getTagName().equals("organizationUrl")) {
            out.add(e.getTextContent().trim());
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                collectUrls(c, out);
            }
        }
    }
}
