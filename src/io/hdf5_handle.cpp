#include "gridnmf/io/hdf5_handle.hpp"

#include <utility>

#include "gridnmf/error.hpp"

namespace gridnmf::io {

Hdf5Handle::Hdf5Handle(hid_t id, Closer closer, const std::string& what)
    : id_(id), closer_(closer) {
  if (id < 0) throw Error(what);
}

Hdf5Handle::~Hdf5Handle() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
}

Hdf5Handle::Hdf5Handle(Hdf5Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0 && closer_ != nullptr) closer_(id_);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

void Hdf5Handle::close(const std::string& what) {
  if (id_ < 0) return;
  const herr_t status = closer_(std::exchange(id_, H5I_INVALID_HID));
  check_hdf5(status, what);
}

void check_hdf5(herr_t status, const std::string& what) {
  if (status < 0) throw Error(what);
}

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace gridnmf::io
