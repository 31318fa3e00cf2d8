// Reading cells of a result read whole (the PostgreSQL path of Conn::forEach): texts are
// viewed in place, and other cells are rendered once and stay valid for the whole row.
#include <gtest/gtest.h>

#include "controller/store/db.h"

namespace ferry::controller::store::sql {
namespace {

TEST(RowViewTest, TextViewsOfEveryKindOfCellStayValidDuringTheRow) {
  Rows rows;
  rows.columns = 4;
  rows.cells = {std::string("run-1"), std::int64_t{42}, std::monostate{}, std::string("")};
  const Rows::Row row = rows[0];
  const RowView view(row);
  const std::string_view text = view.textView(0);
  const std::string_view number = view.textView(1);
  const std::string_view again = view.textView(1);
  EXPECT_EQ(text, "run-1");
  EXPECT_EQ(text.data(), std::get<std::string>(rows.cells[0]).data()) << "viewed, not copied";
  EXPECT_EQ(number, "42");
  EXPECT_EQ(again, "42");
  EXPECT_EQ(number, "42") << "an earlier rendering survives later ones";
  EXPECT_EQ(view.textView(2), "");
  EXPECT_EQ(view.textView(3), "");
  EXPECT_EQ(view.integer(1), 42);
}

}  // namespace
}  // namespace ferry::controller::store::sql
