#pragma once
// Shared by the fuzz harnesses: the readers under test take paths, so an input becomes a
// file (in /dev/shm where it exists: memory, not disk).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace lifecircle::fuzz {

/// A file holding `size` bytes from `data`, removed with the object.
class InputFile {
  public:
    InputFile(const std::uint8_t* data, std::size_t size, const std::string& suffix) {
        const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        m_path = (dir / ("lifecircle-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(m_count++) + suffix))
                     .string();
        std::ofstream(m_path, std::ios::binary)
            .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    ~InputFile() {
        std::error_code ignored;
        std::filesystem::remove(m_path, ignored);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    const std::string& path() const { return m_path; }

  private:
    static inline int m_count = 0;
    std::string m_path;
};

}  // namespace lifecircle::fuzz
