#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/codec/H264Keyframe.hpp"

using namespace portunus::dp;
using Bytes = std::vector<std::uint8_t>;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, H264Status s) {
  return os << static_cast<int>(s);
}
}  // namespace portunus::dp

namespace {
struct H264Case {
  const char* name;
  Bytes payload;
  H264Status status;
};
std::ostream& operator<<(std::ostream& os, const H264Case& c) {
  return os << c.name;
}

const H264Case kCases[] = {
    {"empty", {}, H264Status::Empty},
    {"IDR single NAL", {0x65, 0x88, 0x84}, H264Status::Keyframe},
    {"SPS single NAL", {0x67, 0x42, 0xc0}, H264Status::Keyframe},
    {"non-IDR slice", {0x41, 0x9a}, H264Status::NotKeyframe},
    {"PPS", {0x68, 0xce}, H264Status::NotKeyframe},
    {"forbidden bit", {0xe5, 0x00}, H264Status::ForbiddenBit},
    {"NAL type 0", {0x00}, H264Status::BadNalType},
    {"NAL type 30", {0x1e}, H264Status::BadNalType},
    {"STAP-A SPS+PPS", {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce}, H264Status::Keyframe},
    {"STAP-A with IDR", {0x78, 0x00, 0x01, 0x41, 0x00, 0x02, 0x65, 0x88}, H264Status::Keyframe},
    {"STAP-A without keyframe NAL", {0x78, 0x00, 0x02, 0x41, 0x9a}, H264Status::NotKeyframe},
    {"STAP-A header only", {0x78}, H264Status::TruncatedStapA},
    {"STAP-A size past the end", {0x78, 0x00, 0x05, 0x67, 0x42}, H264Status::TruncatedStapA},
    {"STAP-A half a size field", {0x78, 0x00, 0x02, 0x67, 0x42, 0x00}, H264Status::TruncatedStapA},
    {"STAP-A zero size", {0x78, 0x00, 0x00}, H264Status::TruncatedStapA},
    {"FU-A IDR start", {0x7c, 0x85, 0x88}, H264Status::Keyframe},
    {"FU-A IDR middle", {0x7c, 0x05, 0x88}, H264Status::NotKeyframe},
    {"FU-A IDR end", {0x7c, 0x45, 0x88}, H264Status::NotKeyframe},
    {"FU-A non-IDR start", {0x7c, 0x81, 0x9a}, H264Status::NotKeyframe},
    {"FU-A without header", {0x7c}, H264Status::TruncatedFuA},
    {"FU-A without data", {0x7c, 0x85}, H264Status::TruncatedFuA},
    {"STAP-B is not parsed", {0x79, 0x00}, H264Status::NotKeyframe},
};
}  // namespace

BOOST_DATA_TEST_CASE(h264_keyframe_table, boost::unit_test::data::make(kCases), c) {
  BOOST_TEST(h264Keyframe(c.payload.data(), c.payload.size()) == c.status);
  BOOST_TEST(isH264Keyframe(c.payload.data(), c.payload.size()) == (c.status == H264Status::Keyframe));
}
