#include "dataplane/srtp/SrtpEngineFactory.hpp"

#include <rte_cpuflags.h>

#include "common/config/ConfigReader.hpp"
#include "dataplane/srtp/LibsrtpEngine.hpp"
#ifdef PORTUNUS_HAVE_IPSECMB
#include "dataplane/srtp/IpsecMbEngine.hpp"
#endif

namespace portunus::dp {

bool ipsecMbSupported() noexcept {
#ifdef PORTUNUS_HAVE_IPSECMB
  return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AES) > 0;
#else
  return false;
#endif
}

std::string resolveSrtpEngine(std::string_view choice) {
  if (choice == "libsrtp2") return "libsrtp2";
  if (choice == "auto") return ipsecMbSupported() ? "ipsec-mb" : "libsrtp2";
  if (choice == "ipsec-mb") {
#ifdef PORTUNUS_HAVE_IPSECMB
    if (ipsecMbSupported()) return "ipsec-mb";
    throw config::ConfigError("dataplane.srtp_engine", "ipsec-mb needs a CPU with AES-NI; use auto or libsrtp2");
#else
    throw config::ConfigError("dataplane.srtp_engine",
                              "this build has no intel-ipsec-mb (libipsec-mb-dev); use auto or libsrtp2");
#endif
  }
  throw config::ConfigError("dataplane.srtp_engine",
                            "expected one of auto, ipsec-mb, libsrtp2, got '" + std::string(choice) + "'");
}

SrtpEngineFactory makeSrtpEngineFactory(std::string_view choice) {
  const std::string engine = resolveSrtpEngine(choice);
#ifdef PORTUNUS_HAVE_IPSECMB
  if (engine == "ipsec-mb") return [] { return std::unique_ptr<SrtpEngine>(std::make_unique<IpsecMbEngine>()); };
#endif
  return [] { return std::unique_ptr<SrtpEngine>(std::make_unique<LibsrtpEngine>()); };
}

}  // namespace portunus::dp
