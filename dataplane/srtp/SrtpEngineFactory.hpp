// Engine selection (DESIGN §5, `dataplane.srtp_engine`): which SrtpEngine the workers run, and a factory that makes
// one instance per worker lcore (IpsecMbEngine keeps per-burst scratch and its multi-buffer manager: never shared).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

/** Makes one engine instance (control side; may throw). */
using SrtpEngineFactory = std::function<std::unique_ptr<SrtpEngine>()>;

/** Whether this build has the intel-ipsec-mb engine (PORTUNUS_HAVE_IPSECMB) and this CPU has AES-NI. Needs the EAL
 *  initialised (rte_cpu_get_flag_enabled). */
bool ipsecMbSupported() noexcept;

/** The engine `choice` (auto | ipsec-mb | libsrtp2) resolves to here: "ipsec-mb" or "libsrtp2". `auto` is ipsec-mb
 *  where supported. Throws config::ConfigError("dataplane.srtp_engine", ...) for ipsec-mb without support. */
std::string resolveSrtpEngine(std::string_view choice);

/** A factory for the engine `choice` resolves to (see resolveSrtpEngine; throws the same). */
SrtpEngineFactory makeSrtpEngineFactory(std::string_view choice);

}  // namespace portunus::dp
