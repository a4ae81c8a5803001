#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace lifecircle {

/// What a builder kept and dropped when it made a network (for the user's report).
struct NetworkReport {
    std::string source;             ///< file name or "arrays"
    std::size_t input_nodes = 0;    ///< nodes given
    std::size_t input_edges = 0;    ///< edges given
    std::size_t components = 0;     ///< connected components among the input nodes
    std::size_t dropped_nodes = 0;  ///< nodes outside the largest component
    std::size_t dropped_edges = 0;  ///< edges outside the largest component, or self-loops
    double dropped_length = 0.0;    ///< length of the dropped edges, metres
};

/// Undirected walking network in compressed sparse row form; lengths in metres,
/// coordinates in metres of a local projection.
class WalkNetwork {
  public:
    WalkNetwork() = default;

    /// Builds from node arrays (external id, x, y in metres) and edges given by external ids.
    /// Self-loops are dropped; parallel edges are kept. With keep_largest_component, nodes
    /// outside the largest connected component are dropped and counted in report().
    /// Throws InputError naming `source` on NaN/negative lengths, unknown endpoints,
    /// duplicate ids, mismatched array sizes or an empty network.
    static WalkNetwork from_arrays(std::vector<std::int64_t> node_ids, std::vector<double> x, std::vector<double> y,
                                   std::span<const std::int64_t> edge_from, std::span<const std::int64_t> edge_to,
                                   std::span<const double> edge_length, bool keep_largest_component = true,
                                   const std::string& source = "arrays");

    /// Reads `nodes.csv` (columns id,x,y) and `edges.csv` (columns from,to,length); extra
    /// columns are ignored, the order of columns is free.
    static WalkNetwork from_csv(const std::string& nodes_path, const std::string& edges_path,
                                bool keep_largest_component = true);

    std::size_t num_nodes() const { return m_x.size(); }
    /// Number of undirected edges.
    std::size_t num_edges() const { return m_edge_from.size(); }

    /// Neighbour range of node v: indices into targets()/lengths().
    std::uint32_t begin(std::uint32_t v) const { return m_offsets[v]; }
    std::uint32_t end(std::uint32_t v) const { return m_offsets[v + 1]; }
    std::span<const std::uint32_t> targets() const { return m_targets; }
    /// Length of each CSR arc, metres.
    std::span<const double> lengths() const { return m_lengths; }

    std::span<const std::int64_t> node_ids() const { return m_ids; }
    /// Projected x, metres.
    std::span<const double> x() const { return m_x; }
    /// Projected y, metres.
    std::span<const double> y() const { return m_y; }
    /// Undirected edge list (node indices, length in metres), as stored.
    std::span<const std::uint32_t> edge_from() const { return m_edge_from; }
    std::span<const std::uint32_t> edge_to() const { return m_edge_to; }
    std::span<const double> edge_length() const { return m_edge_length; }
    /// Total length of all edges, metres.
    double total_length() const;

    const NetworkReport& report() const { return m_report; }

  private:
    std::vector<std::int64_t> m_ids;
    std::vector<double> m_x, m_y;
    std::vector<std::uint32_t> m_edge_from, m_edge_to;
    std::vector<double> m_edge_length;
    std::vector<std::uint32_t> m_offsets, m_targets;
    std::vector<double> m_lengths;
    NetworkReport m_report;
};

}  // namespace lifecircle
