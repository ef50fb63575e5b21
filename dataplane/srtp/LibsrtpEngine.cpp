#include "dataplane/srtp/LibsrtpEngine.hpp"

#include <stdexcept>
#include <string>

#include "dataplane/srtp/LibsrtpRuntime.hpp"
#include "dataplane/srtp/LibsrtpStreamContext.hpp"

namespace portunus::dp {

LibsrtpEngine::LibsrtpEngine() : LibsrtpEngine(Options{}) {}

LibsrtpEngine::LibsrtpEngine(Options options) : options_(options) {
  if (options_.replay_window < 64 || options_.replay_window >= 0x8000) {  // libsrtp2's bounds
    throw std::invalid_argument("SRTP replay window must be 64..32767 packets, got " +
                                std::to_string(options_.replay_window));
  }
  ensureLibsrtpInitialized();
}

std::unique_ptr<SrtpStreamContext> LibsrtpEngine::createStream(const SrtpKeyMaterial& keys, std::uint32_t ssrc,
                                                               SrtpDirection direction) {
  LibsrtpStreamOptions stream_options;
  stream_options.replay_window = options_.replay_window;
  stream_options.allow_repeat_tx = direction == SrtpDirection::Outbound;
  return std::make_unique<LibsrtpStreamContext>(keys, ssrc, direction, stream_options);
}

void LibsrtpEngine::protect(SrtpOp* ops, std::uint16_t count) noexcept {
  for (std::uint16_t i = 0; i < count; ++i) {
    SrtpOp& op = ops[i];
    if (op.ctx == nullptr || op.ctx->direction() != SrtpDirection::Outbound) {
      op.status = SrtpStatus::NoContext;
      continue;
    }
    op.status = static_cast<LibsrtpStreamContext*>(op.ctx)->protect(op.data, op.len, op.capacity, op.rtcp);
  }
}

void LibsrtpEngine::unprotect(SrtpOp* ops, std::uint16_t count) noexcept {
  for (std::uint16_t i = 0; i < count; ++i) {
    SrtpOp& op = ops[i];
    if (op.ctx == nullptr || op.ctx->direction() != SrtpDirection::Inbound) {
      op.status = SrtpStatus::NoContext;
      continue;
    }
    op.status = static_cast<LibsrtpStreamContext*>(op.ctx)->unprotect(op.data, op.len, op.rtcp);
  }
}

}  // namespace portunus::dp
