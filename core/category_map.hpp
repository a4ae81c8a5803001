#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lifecircle {

/// OpenStreetMap tags to facility categories, read from a TOML table (data, not code):
///
///     [grocery]
///     label = "Grocery and fresh food"
///     tags = ["shop=supermarket", "shop=convenience", "amenity=marketplace"]
///
/// A tag is `key=value`, or `key=*` for any value. A feature matching several categories
/// counts once in each.
class CategoryMap {
  public:
    struct Rule {
        std::string key;
        std::string value;  ///< "*" matches any value
    };
    struct Category {
        std::string name;
        std::string label;
        std::vector<Rule> rules;
    };

    /// Parses TOML text; `source` names it in errors (file:line:column, key, expected).
    static CategoryMap parse(std::string_view toml_text, const std::string& source);
    /// Reads a TOML file.
    static CategoryMap load(const std::string& path);
    /// A mapping from category names and their "key=value" tag lists (e.g. a scenario's
    /// osm_tags); `source` names them in errors.
    static CategoryMap from_lists(const std::vector<std::pair<std::string, std::vector<std::string>>>& lists,
                                  const std::string& source);
    /// The mapping built into the program (configs/osm_categories.toml).
    static CategoryMap builtin();

    const std::vector<Category>& categories() const { return m_categories; }
    /// Index of the category named `name`, or -1.
    int find(std::string_view name) const;

    /// Categories matched by a feature; `tag(key)` returns the value or nullptr.
    template <class TagLookup>
    std::vector<int> match(TagLookup&& tag) const {
        std::vector<int> out;
        for (std::size_t c = 0; c < m_categories.size(); ++c)
            for (const auto& rule : m_categories[c].rules) {
                const char* value = tag(rule.key.c_str());
                if (value && (rule.value == "*" || rule.value == value)) {
                    out.push_back(static_cast<int>(c));
                    break;
                }
            }
        return out;
    }

  private:
    std::vector<Category> m_categories;
};

}  // namespace lifecircle
