// core::trim_space: what target files, SQL slices and lint case files trim to.
#include <gtest/gtest.h>

#include "lockwise/core/text.hpp"

using lockwise::core::trim_space;

TEST(CoreText, TrimsEveryKindOfWhiteSpaceOnBothEnds)
{
    EXPECT_EQ(trim_space("  prod-eu  host=db1 \r"), "prod-eu  host=db1");
    EXPECT_EQ(trim_space("\n\tUPDATE t SET x = 1\n \v\f"), "UPDATE t SET x = 1");
    EXPECT_EQ(trim_space("x"), "x");
}

TEST(CoreText, BlankTextTrimsToEmpty)
{
    EXPECT_EQ(trim_space(""), "");
    EXPECT_EQ(trim_space(" \t\r\n"), "");
}

TEST(CoreText, InnerWhiteSpaceAndOtherBytesStay)
{
    EXPECT_EQ(trim_space(" a \t b "), "a \t b");
    EXPECT_EQ(trim_space("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0") << "non-breaking space is not ASCII white space";
}
