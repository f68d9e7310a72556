#include "gridnmf/io/name_list.hpp"

#include "gridnmf/io/text_input.hpp"

namespace gridnmf::io {

std::vector<std::string> read_name_list(const std::string& path) {
  TextInput input(path);
  std::vector<std::string> names;
  std::string_view line;
  while (input.next_line(line)) {
    const std::size_t first_tab = line.find('\t');
    if (first_tab == std::string_view::npos) {
      names.emplace_back(line);
    } else {
      const std::string_view rest = line.substr(first_tab + 1);
      names.emplace_back(rest.substr(0, rest.find('\t')));
    }
  }
  return names;
}

}  // namespace gridnmf::io
