#pragma once

#include <stdexcept>
#include <string>

namespace lifecircle {

/// Bad input data: a file or array that cannot be used (names the source and what is wrong).
class InputError : public std::runtime_error {
  public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

/// A scenario that fails validation; what() lists every problem, one a line.
class ConfigError : public InputError {
  public:
    explicit ConfigError(const std::string& message) : InputError(message) {}
};

/// A bad argument to an API call (k < 1, a negative distance, an unknown category).
class ArgumentError : public std::invalid_argument {
  public:
    explicit ArgumentError(const std::string& message) : std::invalid_argument(message) {}
};

}  // namespace lifecircle
