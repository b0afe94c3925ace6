// A value kept on the heap only once it is written: reading one never
// written gives a default T, copies copy the value. For the rarely set
// parts of a record held per unit (issue 10: memory per service), where
// an empty member of its own would cost its full size in every unit.
#pragma once

#include <memory>

namespace vermilion {

template <class T>
class LazyValue {
 public:
  LazyValue() = default;
  LazyValue(const LazyValue& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  LazyValue(LazyValue&&) noexcept = default;
  LazyValue& operator=(const LazyValue& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  LazyValue& operator=(LazyValue&&) noexcept = default;
  ~LazyValue() = default;

  // The value, or a default one if it was never written.
  [[nodiscard]] const T& get() const {
    static const T kDefault{};
    return value_ ? *value_ : kDefault;
  }
  // The value to write to (made on first use). Throws std::bad_alloc.
  [[nodiscard]] T& mut() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  // Back to the default, freeing what was written.
  void reset() noexcept { value_.reset(); }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace vermilion
