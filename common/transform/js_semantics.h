#pragma once

#include <nlohmann/json.hpp>
#include <string>

// JavaScript's coercion rules as JSON Logic (json-logic-js) relies on them, over JSON
// values. `undefined` does not exist in JSON; callers map a missing value to null.
namespace ferry::transform::js {

// JsonLogic truthiness: JS truthiness, except that an empty array is falsy.
bool truthy(const nlohmann::json& v);

// Abstract ToNumber: null→0, booleans→0/1, strings parsed as decimal literals (whitespace
// trimmed, "" → 0, junk → NaN), arrays through their string form, objects → NaN.
double toNumber(const nlohmann::json& v);

// ToString as JS prints values: numbers in shortest round-trip form ("1", "1.5", "1e+21"),
// arrays joined with ",", objects "[object Object]", null "null".
std::string toString(const nlohmann::json& v);

// parseFloat(ToString(v)): the longest numeric prefix, NaN when there is none.
double parseFloat(const nlohmann::json& v);

bool looseEquals(const nlohmann::json& a, const nlohmann::json& b);   // ==
bool strictEquals(const nlohmann::json& a, const nlohmann::json& b);  // ===

// Abstract relational comparison a < b (both strings: by UTF-16-ish code units, here
// bytes; otherwise numerically, NaN making it false). lessOrEqual is !(b < a) except NaN.
bool lessThan(const nlohmann::json& a, const nlohmann::json& b);
bool lessOrEqual(const nlohmann::json& a, const nlohmann::json& b);

// A JS number as JSON: whole values in the int64 range become integers, NaN and ±Infinity
// become null (what JSON.stringify writes).
nlohmann::json number(double d);

}  // namespace ferry::transform::js
