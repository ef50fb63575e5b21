#define BOOST_TEST_MODULE dataplane_srtp_libsrtp_engine
#include <boost/test/unit_test.hpp>
int placeholder = 0;
BOOST_AUTO_TEST_CASE(x) {
  BOOST_TEST(placeholder == 0);
}
