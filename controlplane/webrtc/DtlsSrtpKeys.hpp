// DTLS-SRTP key material (RFC 5764 §4.2): the SRTP protection profiles we negotiate and the split of the exporter
// output ("EXTRACTOR-dtls_srtp") into the two directions' master keys and salts:
//   client_write_key | server_write_key | client_write_salt | server_write_salt
// The DTLS client sends with the client keys; the server with the server keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "dataplane/srtp/DtlsSrtpKeying.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::cp {

/** A profile's facts as far as DTLS-SRTP is concerned. */
struct SrtpProfileInfo {
  dp::SrtpProfile profile;
  std::string_view openssl_name;  // for SSL_CTX_set_tlsext_use_srtp
  std::size_t key_length;
  std::size_t salt_length;
};

/** Every profile we support, in our order of preference (GCM first). */
std::span<const SrtpProfileInfo> supportedSrtpProfiles() noexcept;
const SrtpProfileInfo& srtpProfileInfo(dp::SrtpProfile profile) noexcept;
/** From the RFC 5764 / RFC 7714 profile id OpenSSL reports; nullopt for one we do not support. */
std::optional<dp::SrtpProfile> srtpProfileFromId(unsigned long id) noexcept;

/** Our sending (local) and receiving (remote) master key and salt (the dataplane's type: it consumes them). */
using DtlsSrtpKeys = dp::DtlsSrtpKeys;

/** Bytes to export for `profile`: 2 * (key + salt). */
std::size_t dtlsSrtpExportLength(dp::SrtpProfile profile) noexcept;

/** Splits exported keying material (exactly dtlsSrtpExportLength bytes, else WebRtcError) with the dataplane's
 *  RFC 5764 split, dp::splitDtlsSrtpKeyingMaterial. */
DtlsSrtpKeys splitDtlsSrtpKeys(dp::SrtpProfile profile, std::span<const std::uint8_t> exported, bool local_is_client);

}  // namespace portunus::cp
