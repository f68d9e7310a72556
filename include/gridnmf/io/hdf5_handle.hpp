#pragma once

#include <hdf5.h>

#include <string>

namespace gridnmf::io {

// Owns one HDF5 identifier and closes it with the matching H5*close function.
class Hdf5Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Hdf5Handle() = default;
  // Throws Error("<what>") if `id` is negative (the HDF5 failure value).
  Hdf5Handle(hid_t id, Closer closer, const std::string& what);
  ~Hdf5Handle();
  Hdf5Handle(Hdf5Handle&& other) noexcept;
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;

  hid_t get() const { return id_; }
  // Closes now (collective for files), reporting failure instead of hiding it.
  void close(const std::string& what);

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Throws Error(what) if an HDF5 call returned a negative status.
void check_hdf5(herr_t status, const std::string& what);

// Turns off HDF5's automatic error-stack printing: gridnmf reports failures
// itself, in one line.
void silence_hdf5_errors();

}  // namespace gridnmf::io
