#include "core/spatial_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace lifecircle {

SpatialIndex::SpatialIndex(std::span<const double> x, std::span<const double> y) : m_x(x), m_y(y) {
    if (x.empty()) throw ArgumentError("SpatialIndex: no nodes to index");
    const auto [lox, hix] = std::minmax_element(x.begin(), x.end());
    const auto [loy, hiy] = std::minmax_element(y.begin(), y.end());
    m_min_x = *lox;
    m_min_y = *loy;
    const double w = std::max(*hix - *lox, 1.0), h = std::max(*hiy - *loy, 1.0);
    // About two nodes a cell.
    m_cell = std::max(std::sqrt(w * h * 2.0 / static_cast<double>(x.size())), 1.0);
    m_nx = static_cast<std::int64_t>(w / m_cell) + 1;
    m_ny = static_cast<std::int64_t>(h / m_cell) + 1;
    const auto cells = static_cast<std::size_t>(m_nx * m_ny);
    m_start.assign(cells + 1, 0);
    std::vector<std::uint32_t> cell_of(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto cx = static_cast<std::int64_t>((x[i] - m_min_x) / m_cell);
        const auto cy = static_cast<std::int64_t>((y[i] - m_min_y) / m_cell);
        cell_of[i] = static_cast<std::uint32_t>(cy * m_nx + cx);
        ++m_start[cell_of[i] + 1];
    }
    for (std::size_t c = 0; c < cells; ++c) m_start[c + 1] += m_start[c];
    m_nodes.resize(x.size());
    std::vector<std::uint32_t> fill(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < x.size(); ++i) m_nodes[fill[cell_of[i]]++] = static_cast<std::uint32_t>(i);
}

Snap SpatialIndex::nearest(double px, double py) const {
    const auto cx = static_cast<std::int64_t>(std::floor((px - m_min_x) / m_cell));
    const auto cy = static_cast<std::int64_t>(std::floor((py - m_min_y) / m_cell));
    double best2 = std::numeric_limits<double>::infinity();
    std::uint32_t best = 0;
    // Search square rings of cells outward until the ring is farther than the best found.
    const std::int64_t max_ring = std::max(m_nx, m_ny) + std::max(std::abs(cx), std::abs(cy)) + 1;
    for (std::int64_t r = 0; r <= max_ring; ++r) {
        if (std::isfinite(best2)) {
            const double ring_dist = (static_cast<double>(r) - 1.0) * m_cell;
            if (ring_dist > 0 && ring_dist * ring_dist > best2) break;
        }
        for (std::int64_t gy = cy - r; gy <= cy + r; ++gy) {
            if (gy < 0 || gy >= m_ny) continue;
            const bool edge_row = (gy == cy - r || gy == cy + r);
            for (std::int64_t gx = cx - r; gx <= cx + r; gx += (edge_row ? 1 : 2 * r)) {
                if (gx >= 0 && gx < m_nx) {
                    const auto c = static_cast<std::size_t>(gy * m_nx + gx);
                    for (auto k = m_start[c]; k < m_start[c + 1]; ++k) {
                        const auto v = m_nodes[k];
                        const double dx = m_x[v] - px, dy = m_y[v] - py;
                        const double d2 = dx * dx + dy * dy;
                        if (d2 < best2 || (d2 == best2 && v < best)) {
                            best2 = d2;
                            best = v;
                        }
                    }
                }
                if (r == 0) break;
            }
        }
    }
    return {best, std::sqrt(best2)};
}

}  // namespace lifecircle

#include "core/walk_network.hpp"

namespace lifecircle {
std::vector<Snap> snap_points(const WalkNetwork& network, std::span<const double> x, std::span<const double> y) {
    if (x.size() != y.size())
        throw ArgumentError("snap: " + std::to_string(x.size()) + " x values but " + std::to_string(y.size()) +
                            " y values");
    const SpatialIndex index(network.x(), network.y());
    std::vector<Snap> out;
    out.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            throw ArgumentError("snap: point " + std::to_string(i) + " has a non-finite coordinate");
        out.push_back(index.nearest(x[i], y[i]));
    }
    return out;
}
}  // namespace lifecircle
