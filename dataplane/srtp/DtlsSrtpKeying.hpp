// Splits the keying material exported from a DTLS-SRTP handshake into the two directions' master keys (RFC 5764 §4.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

enum class DtlsRole : std::uint8_t { Client, Server };

/** The two directions' keys: `local` protects what we send (outbound), `remote` unprotects what we receive. */
struct DtlsSrtpKeys {
  SrtpKeyMaterial local;
  SrtpKeyMaterial remote;
};

/** Bytes to export with the "EXTRACTOR-dtls_srtp" label: 2 * (master key + master salt). */
std::size_t dtlsSrtpKeyingMaterialLength(SrtpProfile profile) noexcept;

/** Splits client_write_key | server_write_key | client_write_salt | server_write_salt by our DTLS role.
 *  Control side; throws std::invalid_argument if `material` is not exactly dtlsSrtpKeyingMaterialLength() bytes. */
DtlsSrtpKeys splitDtlsSrtpKeyingMaterial(SrtpProfile profile, std::span<const std::uint8_t> material, DtlsRole role);

}  // namespace portunus::dp
