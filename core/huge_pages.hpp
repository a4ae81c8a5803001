#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

#include <sys/mman.h>

namespace lifecircle {

/// An allocator for large arrays read at random, such as the engine's choice cache: an array
/// of at least one huge page (2 MiB) is aligned to one and offered to the kernel's transparent
/// huge pages (madvise), so that a read far from the last one does not also miss the
/// processor's address translation cache (with 4 KiB pages, 1.9 GB of cache on 644,000 nodes
/// is 470,000 pages, each a page-table walk). Where the kernel gives no huge pages the advice
/// is ignored and the array is an ordinary one. Smaller arrays come from std::allocator.
template <class T>
struct HugePageAllocator {
    using value_type = T;
    static constexpr std::size_t kHugePage = std::size_t{2} << 20;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) {}

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kHugePage) return std::allocator<T>().allocate(n);
        void* p = std::aligned_alloc(kHugePage, rounded(bytes));
        if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        madvise(p, rounded(bytes), MADV_HUGEPAGE);  // advice only: failure leaves small pages
#endif
        return static_cast<T*>(p);
    }

    void deallocate(T* p, std::size_t n) {
        if (n * sizeof(T) < kHugePage)
            std::allocator<T>().deallocate(p, n);
        else
            std::free(p);
    }

    template <class U>
    bool operator==(const HugePageAllocator<U>&) const {
        return true;
    }

  private:
    static std::size_t rounded(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
};

}  // namespace lifecircle
