#pragma once

#include <string>

namespace ferry::testing {

// Throwaway TLS material made by the openssl CLI, for servers started by tests.
struct TlsFiles {
  std::string caFile;    // the CA certificate a client must trust
  std::string certFile;  // server certificate: CN=localhost, SAN DNS:localhost and IP:127.0.0.1
  std::string keyFile;   // its private key (0600, or 0640 group mosquitto: see below)
};

// Makes a CA and a server certificate it signs, as `<stem>-ca.crt`, `<stem>-server.crt` and
// `<stem>-server.key` in `dir`. When run as root, the key is given to group mosquitto with
// mode 0640: a broker started as root drops to user mosquitto before it loads the key
// (TOOLCHAIN.md §3). EC P-256 keys, because RSA key generation is slow on a loaded machine.
// Throws std::runtime_error with openssl's stderr when a step fails.
TlsFiles makeTlsFiles(const std::string& dir, const std::string& stem = "test");

// Makes a CA certificate alone (`<stem>-ca.crt` in `dir`), e.g. one that signed nothing a
// server presents, and returns its path.
std::string makeCaFile(const std::string& dir, const std::string& stem);

}  // namespace ferry::testing
