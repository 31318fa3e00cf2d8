#pragma once

#include <string>
#include "common/json/json.h"

// JavaScript's coercion rules as JSON Logic (json-logic-js) relies on them, over JSON
// values. `undefined` does not exist in JSON; callers map a missing value to null.
namespace ferry::transform::js {

// JsonLogic truthiness: JS truthiness, except that an empty array is falsy.
bool truthy(const ferry::Json& v);

// Abstract ToNumber: null→0, booleans→0/1, strings parsed as decimal literals (whitespace
// trimmed, "" → 0, junk → NaN), arrays through their string form, objects → NaN.
double toNumber(const ferry::Json& v);

// ToString as JS prints values: numbers in shortest round-trip form ("1", "1.5", "1e+21"),
// arrays joined with ",", objects "[object Object]", null "null".
std::string toString(const ferry::Json& v);

// parseFloat(ToString(v)): the longest numeric prefix, NaN when there is none.
double parseFloat(const ferry::Json& v);

bool looseEquals(const ferry::Json& a, const ferry::Json& b);   // ==
bool strictEquals(const ferry::Json& a, const ferry::Json& b);  // ===

// Abstract relational comparison a < b (both strings: by UTF-16-ish code units, here
// bytes; otherwise numerically, NaN making it false). lessOrEqual is !(b < a) except NaN.
bool lessThan(const ferry::Json& a, const ferry::Json& b);
bool lessOrEqual(const ferry::Json& a, const ferry::Json& b);

// A JS number as JSON: whole values in the int64 range become integers, NaN and ±Infinity
// become null (what JSON.stringify writes).
ferry::Json number(double d);

}  // namespace ferry::transform::js
