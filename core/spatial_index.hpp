#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace lifecircle {

/// Nearest node of a point, for snapping facilities and residents to the network.
struct Snap {
    std::uint32_t node;  ///< node index
    double distance;     ///< straight-line distance to it, metres
};

/// A uniform grid over node coordinates (metres); exact nearest-node queries.
class SpatialIndex {
  public:
    SpatialIndex(std::span<const double> x, std::span<const double> y);

    /// The nearest node to (px, py); ties go to the lower node index.
    Snap nearest(double px, double py) const;

  private:
    std::span<const double> m_x, m_y;
    double m_min_x = 0, m_min_y = 0, m_cell = 1;
    std::int64_t m_nx = 1, m_ny = 1;
    std::vector<std::uint32_t> m_start;  // CSR over cells
    std::vector<std::uint32_t> m_nodes;
};

}  // namespace lifecircle

namespace lifecircle {
class WalkNetwork;
/// Snaps each point (x[i], y[i], metres) to its nearest network node.
std::vector<Snap> snap_points(const WalkNetwork& network, std::span<const double> x, std::span<const double> y);
}  // namespace lifecircle
