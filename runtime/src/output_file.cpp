#include "tally/runtime/output_file.h"

namespace tally::runtime {

Result<std::unique_ptr<AtomicOutputFile>> AtomicOutputFile::Create(const std::string& path) {
  ASSIGN_OR_RETURN(AtomicFile file, path == "-" ? AtomicFile::StandardOutput() : AtomicFile::Create(path));
  return std::unique_ptr<AtomicOutputFile>(new AtomicOutputFile(std::move(file)));
}

Status AtomicOutputFile::Write(std::string data) {
  RETURN_IF_ERROR(file_.Write(data));
  if (observer_ && !data.empty()) {
    auto owner = std::make_shared<const std::string>(std::move(data));
    observer_(*owner, owner);
  }
  return Status::Ok();
}

Status AtomicOutputFile::WriteBytes(std::string_view data) {
  RETURN_IF_ERROR(file_.Write(data));
  if (observer_ && !data.empty()) observer_(data, nullptr);
  return Status::Ok();
}

}  // namespace tally::runtime
