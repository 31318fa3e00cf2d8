#pragma once

#include <algorithm>
#include <compare>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace ferry::json {

// The members of a JSON object, kept in one vector sorted by key: the object type of
// ferry::Json (common/json/json.h). nlohmann's default std::map allocates a tree node per
// member; a record of a page is an object of a dozen members, and building and freeing
// those nodes was the largest single cost of the agent's engine (decision 0007). Keys stay
// in std::map's order, so dumps, comparisons and iteration are unchanged.
//
// One difference from std::map: inserting a member may move the others, so a reference to
// a member does not survive an insert into the same object (look it up again instead).
//
// Only what nlohmann::basic_json calls is provided. `Less` and `Allocator` are accepted for
// the template signature basic_json expects and not used.
template <class Key, class T, class Less = std::less<Key>,
          class Allocator = std::allocator<std::pair<const Key, T>>>
class SortedMembers : private std::vector<std::pair<Key, T>> {
  using Base = std::vector<std::pair<Key, T>>;

 public:
  using key_type = Key;
  using mapped_type = T;
  using value_type = std::pair<Key, T>;
  using key_compare = std::less<>;  // transparent: lookups by string_view copy no key
  using size_type = std::size_t;
  using iterator = typename Base::iterator;
  using const_iterator = typename Base::const_iterator;

  SortedMembers() = default;
  template <class It>
  SortedMembers(It first, It last) {
    insert(first, last);
  }
  SortedMembers(std::initializer_list<value_type> init) { insert(init.begin(), init.end()); }

  using Base::begin;
  using Base::cbegin;
  using Base::cend;
  using Base::clear;
  using Base::empty;
  using Base::end;
  using Base::max_size;
  using Base::reserve;  // not in std::map: for builders that know their member count
  using Base::size;

  template <class K, class V>
  std::pair<iterator, bool> emplace(K&& key, V&& value) {
    auto it = lowerBound(key);
    if (it != end() && it->first == key) return {it, false};
    return {Base::emplace(it, std::forward<K>(key), std::forward<V>(value)), true};
  }
  // The hint is honoured only when it is end() and the key sorts last (a build in key order);
  // otherwise this is emplace.
  template <class K, class V>
  iterator emplace_hint(const_iterator hint, K&& key, V&& value) {
    if (hint == cend() && (empty() || Base::back().first < key)) {
      Base::emplace_back(std::forward<K>(key), std::forward<V>(value));
      return std::prev(end());
    }
    return emplace(std::forward<K>(key), std::forward<V>(value)).first;
  }
  std::pair<iterator, bool> insert(const value_type& v) { return emplace(v.first, v.second); }
  std::pair<iterator, bool> insert(value_type&& v) {
    return emplace(std::move(v.first), std::move(v.second));
  }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }

  template <class K>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key), T()).first->second;
  }

  template <class K>
  iterator find(const K& key) {
    auto it = lowerBound(key);
    return it != end() && it->first == key ? it : end();
  }
  template <class K>
  const_iterator find(const K& key) const {
    auto it = lowerBound(key);
    return it != end() && it->first == key ? it : end();
  }
  template <class K>
  size_type count(const K& key) const {
    return find(key) == end() ? 0 : 1;
  }

  iterator erase(iterator pos) { return Base::erase(pos); }
  iterator erase(const_iterator pos) { return Base::erase(pos); }
  iterator erase(const_iterator first, const_iterator last) { return Base::erase(first, last); }
  template <class K>
  size_type erase(const K& key) {
    auto it = find(key);
    if (it == end()) return 0;
    Base::erase(it);
    return 1;
  }

  friend bool operator==(const SortedMembers& a, const SortedMembers& b) {
    return static_cast<const Base&>(a) == static_cast<const Base&>(b);
  }
  friend auto operator<=>(const SortedMembers& a, const SortedMembers& b) {
    return static_cast<const Base&>(a) <=> static_cast<const Base&>(b);
  }

 private:
  // Members often arrive in key order (a parsed dump of an object), so appending is
  // checked first.
  template <class K>
  iterator lowerBound(const K& key) {
    if (empty() || Base::back().first < key) return end();
    return std::lower_bound(begin(), end(), key,
                            [](const value_type& v, const K& k) { return v.first < k; });
  }
  template <class K>
  const_iterator lowerBound(const K& key) const {
    if (empty() || Base::back().first < key) return end();
    return std::lower_bound(begin(), end(), key,
                            [](const value_type& v, const K& k) { return v.first < k; });
  }
};

}  // namespace ferry::json
