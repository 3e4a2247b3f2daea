package dev.shoal.app;

import dev.shoal.pki.CertificateAuthority;
import dev.shoal.pki.Csr;
import dev.shoal.pki.IssuedCertificate;
import dev.shoal.pki.Kit;
import dev.shoal.pki.PkiException;
import dev.shoal.pki.Role;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = {
      "The federation's certificate authority (see docs/security.md).",
      "Create it, issue a kit (key and certificate) to each coordinator and node, sign requests from",
      "sites that keep their key at home, revoke."
    },
    subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class, PkiCommand.Request.class, PkiCommand.Sign.class,
        PkiCommand.Revoke.class})
final class PkiCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs a PKI action; what the PKI refuses is the user's to fix: one line, exit 1. */
  private abstract static class Action implements Callable<Integer> {

    @Override
    public final Integer call() throws Exception {
      try {
        act();
        return 0;
      } catch (PkiException e) {
        throw new UserError(e.getMessage());
      }
    }

    abstract void act() throws Exception;

    static Duration days(long days, String option) {
      if (days <= 0) {
        throw new UserError(option + " must be a positive number of days, not " + days);
      }
      return Duration.ofDays(days);
    }
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Create the federation's certificate authority.",
        "Writes DIR/ca.pem (self-signed CA certificate), DIR/ca-key.pem (its private key, mode 0600),",
        "DIR/crl.pem (an empty revocation list) and DIR/issued.json. Refuses an existing CA."
      })
  static final class Init extends Action {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The CA directory to create.")
    Path out;

    @Option(names = "--name", defaultValue = CertificateAuthority.DEFAULT_NAME, paramLabel = "FEDERATION",
        description = "The federation's name; the CA certificate's subject is CN=<FEDERATION> CA (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", defaultValue = "3650", paramLabel = "N", description = "How long the CA is valid (default: ${DEFAULT-VALUE}).")
    long days;

    @Override
    void act() throws Exception {
      CertificateAuthority ca = CertificateAuthority.create(out, name, days(days, "--days"));
      X509Certificate c = ca.certificate();
      System.out.printf("created CA '%s' in %s, valid until %s%n", c.getSubjectX500Principal().getName(), out,
          c.getNotAfter().toInstant());
      System.out.printf("%s is the CA's private key (mode 0600): keep it offline and backed up; it never goes in a kit%n",
          out.resolve(CertificateAuthority.CA_KEY));
      System.out.printf("next: shoal pki issue --ca %s --name NAME --role coordinator|relay|node --out KITDIR%n", out);
    }
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Issue a certificate and write its kit.",
        "KITDIR gets key.pem (mode 0600), cert.pem, ca.pem, shoal.yaml, and for a coordinator crl.pem.",
        "Refuses a KITDIR that already holds a key."
      })
  static final class Issue extends Action {

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA directory (from shoal pki init).")
    Path ca;

    @Option(names = "--name", required = true, description = "The participant's name: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "coordinator|relay|node|peer", description = "coordinator, relay or peer (server and client certificate), or node (client only).")
    String role;

    @Option(names = "--out", required = true, paramLabel = "KITDIR", description = "The kit directory to write.")
    Path out;

    @Option(names = "--dns", paramLabel = "HOST", description = "A DNS name in the certificate; repeatable (coordinator default, with neither --dns nor --ip: localhost).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address in the certificate; repeatable (coordinator default, with neither --dns nor --ip: 127.0.0.1).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--days", defaultValue = "365", paramLabel = "N", description = "How long the certificate is valid (default: ${DEFAULT-VALUE}).")
    long days;

    @Override
    void act() throws Exception {
      Role r = Role.parse(role);
      Duration validity = days(days, "--days");
      Kit kit = CertificateAuthority.open(ca).issue(name, r, dns, ips, validity, out);
      describe("issued", kit.certificate(), r);
      System.out.printf("kit in %s: key.pem (private, mode 0600), cert.pem, ca.pem, %sshoal.yaml%n", out,
          r.serves() ? "crl.pem, " : "");
      System.out.println("hand the kit directory to " + name + " over a channel you trust; it holds a private key");
    }
  }

  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Make a key and a certificate request, for a site that keeps its key at home.",
        "Writes DIR/key.pem (mode 0600), DIR/request.csr (PKCS#10) and DIR/shoal.yaml. Send only",
        "request.csr to the CA's keeper, who runs shoal pki sign."
      })
  static final class Request extends Action {

    @Option(names = "--name", required = true, description = "This participant's name: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "node|relay|coordinator|peer", description = "node, relay, coordinator or peer.")
    String role;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the key and the request; it becomes the kit.")
    Path out;

    @Option(names = "--dns", paramLabel = "HOST", description = "A DNS name to request; repeatable (coordinator default, with neither --dns nor --ip: localhost).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", description = "An IP address to request; repeatable (coordinator default, with neither --dns nor --ip: 127.0.0.1).")
    List<String> ips = new ArrayList<>();

    @Override
    void act() throws Exception {
      Role r = Role.parse(role);
      Path csr = Csr.request(name, r, dns, ips, out);
      System.out.printf("wrote %s (private, mode 0600) and %s for %s (%s)%n", out.resolve(Kit.KEY), csr, name, r);
      System.out.printf("send %s to the CA's keeper; put the cert.pem and ca.pem%s they send back into %s%n", csr,
          r.serves() ? " and crl.pem" : "", out);
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Issue a certificate for a request from shoal pki request.",
        "Exactly as issue would: the name is the request's CN, the role its OU, the DNS names and",
        "addresses those requested. Checks the request's signature and refuses any other subject,",
        "a coordinator request unless --role coordinator says so, and a name that already holds a",
        "certificate unless --replace. Writes the certificate, and ca.pem (for a coordinator also",
        "crl.pem) next to it."
      })
  static final class Sign extends Action {

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA directory (from shoal pki init).")
    Path ca;

    @Parameters(index = "0", paramLabel = "CSRFILE", description = "The request (request.csr).")
    Path csr;

    @Option(names = "--days", defaultValue = "365", paramLabel = "N", description = "How long the certificate is valid (default: ${DEFAULT-VALUE}).")
    long days;

    @Option(names = "--out", paramLabel = "CERTFILE", description = "Where to write the certificate (default: cert.pem next to CSRFILE); refuses an existing file.")
    Path out;

    @Option(names = "--role", defaultValue = "node", paramLabel = "node|relay|coordinator|peer", description = "The role agreed with the site; the request must ask for it. A coordinator or relay request is signed only with that --role (default: ${DEFAULT-VALUE}).")
    String role;

    @Option(names = "--replace", description = "The name already holds a certificate: issue this one and revoke the old (rewrites crl.pem; copy it to the coordinator).")
    boolean replace;

    @Override
    void act() throws Exception {
      Duration validity = days(days, "--days");
      Path certFile = out != null ? out : csr.toAbsolutePath().resolveSibling(Kit.CERT);
      CertificateAuthority authority = CertificateAuthority.open(ca);
      List<IssuedCertificate> before = authority.issued();
      X509Certificate cert = authority.sign(csr, validity, certFile, Role.parse(role), replace);
      for (IssuedCertificate old : before) {
        if (!old.revoked() && authority.issued().stream().anyMatch(c -> c.serial().equals(old.serial()) && c.revoked())) {
          System.out.printf("revoked the old %s certificate for %s: serial %s; copy %s to the coordinator%n",
              old.role(), old.name(), old.serial(), authority.crlFile());
        }
      }
      Role r = Role.of(cert);
      describe("signed", cert, r);
      System.out.printf("wrote %s and %s%s: send them back to the site, to go next to its key.pem%n", certFile,
          certFile.toAbsolutePath().resolveSibling(Kit.CA), r.serves() ? " and crl.pem" : "");
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Revoke every certificate issued to NAME (or, with --serial, one of them).",
        "Marks them revoked in issued.json and rewrites crl.pem with the next CRL number. Copy the new",
        "crl.pem into the coordinator's kit afterwards."
      })
  static final class Revoke extends Action {

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The CA directory (from shoal pki init).")
    Path ca;

    @Parameters(index = "0", paramLabel = "NAME", description = "The participant whose certificates to revoke.")
    String name;

    @Option(names = "--serial", paramLabel = "HEX", description = "Revoke only this certificate of NAME (its serial, as issue printed it and issued.json lists it), e.g. the old one after a rotation (default: every unrevoked certificate of NAME).")
    String serial;

    @Override
    void act() throws Exception {
      CertificateAuthority authority = CertificateAuthority.open(ca);
      List<IssuedCertificate> revoked = authority.revoke(name, serial);
      for (IssuedCertificate c : revoked) {
        System.out.printf("revoked %s certificate for %s: serial %s (valid until %s)%n", c.role(), c.name(), c.serial(),
            c.notAfter());
      }
      System.out.printf("wrote %s (CRL number %s)%n", authority.crlFile(), CertificateAuthority.crlNumber(authority.crl()));
      System.out.printf("now copy %s into the coordinator's kit (or point the coordinator at it) so it refuses %s%n",
          authority.crlFile(), name);
    }
  }

  private static void describe(String verb, X509Certificate cert, Role role) throws Exception {
    System.out.printf("%s %s certificate %s: serial %s, valid until %s%n", verb, role,
        cert.getSubjectX500Principal().getName(), cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant());
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans != null) {
      List<String> names = new ArrayList<>();
      for (List<?> n : sans) {
        names.add(((Integer) n.get(0) == 7 ? "IP " : "DNS ") + n.get(1));
      }
      System.out.println("subject alternative names: " + String.join(", ", names));
    }
  }
}
