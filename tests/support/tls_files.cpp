#include "tests/support/tls_files.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/support/subprocess.h"

namespace ferry::testing {

namespace {

void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = runProcess(argv);
  if (r.exitCode != 0) throw std::runtime_error("openssl " + args[0] + " failed: " + r.err);
}

// `req` arguments that make a new unencrypted EC P-256 key in `keyFile`.
std::vector<std::string> newKeyReq(const std::string& keyFile, const std::string& subject,
                                   const std::string& out, bool selfSigned) {
  std::vector<std::string> args = {"req"};
  if (selfSigned) args.insert(args.end(), {"-x509", "-days", "2"});
  args.insert(args.end(), {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                           "-keyout", keyFile, "-subj", subject, "-out", out});
  return args;
}

// A broker started as root reads the key as user mosquitto; without that group, or when
// the tests run unprivileged, the broker keeps the caller's user and 0600 is enough.
void shareKeyWithMosquitto(const std::string& keyFile) {
  if (::geteuid() != 0) return;
  const group* g = ::getgrnam("mosquitto");
  if (!g) return;
  if (::chown(keyFile.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0 ||
      ::chmod(keyFile.c_str(), 0640) != 0) {
    throw std::runtime_error("cannot give " + keyFile + " to group mosquitto");
  }
}

}  // namespace

std::string makeCaFile(const std::string& dir, const std::string& stem) {
  const std::string base = dir + "/" + stem + "-ca";
  openssl(newKeyReq(base + ".key", "/CN=Ferry Test CA " + stem, base + ".crt", true));
  return base + ".crt";
}

TlsFiles makeTlsFiles(const std::string& dir, const std::string& stem) {
  TlsFiles out;
  out.caFile = makeCaFile(dir, stem);
  const std::string base = dir + "/" + stem + "-server";
  out.certFile = base + ".crt";
  out.keyFile = base + ".key";
  openssl(newKeyReq(out.keyFile, "/CN=localhost", base + ".csr", false));
  // Clients check the SAN, not the CN; IP:127.0.0.1 because tests connect by address.
  std::ofstream(base + ".ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                               << "extendedKeyUsage=serverAuth\n";
  openssl({"x509", "-req", "-in", base + ".csr", "-CA", out.caFile, "-CAkey",
           dir + "/" + stem + "-ca.key", "-CAcreateserial", "-days", "2", "-extfile", base + ".ext",
           "-out", out.certFile});
  shareKeyWithMosquitto(out.keyFile);
  return out;
}

}  // namespace ferry::testing
