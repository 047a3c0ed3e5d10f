#include "object_loader.h"

#include <dlfcn.h>
#include <elf.h>
#include <sys/mman.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>

#include "kernel_key.h"

namespace tally::codegen {
namespace {

#if defined(__x86_64__)
constexpr bool kSupportedHost = true;
#else
constexpr bool kSupportedHost = false;
#endif

// An outside symbol's slot: a 16-byte stub "jmp *8(%rip-relative)" followed by the target
// address, which also serves as the symbol's GOT entry.
constexpr size_t kSlotSize = 16;
constexpr unsigned char kStubCode[8] = {0xFF, 0x25, 0x02, 0x00, 0x00, 0x00, 0xCC, 0xCC};  // jmp *2(%rip); int3 x2

// What an undefined symbol binds to: the same functions the JIT binds (jit.cpp, emit.h).
void* ResolveOutside(const std::string& name) {
  if (name == "tally_rt_exp") return reinterpret_cast<void*>(static_cast<double (*)(double)>(&std::exp));
  if (name == "tally_rt_log") return reinterpret_cast<void*>(static_cast<double (*)(double)>(&std::log));
  if (name == "tally_rt_pow") return reinterpret_cast<void*>(static_cast<double (*)(double, double)>(&std::pow));
  return dlsym(RTLD_DEFAULT, name.c_str());  // C library routines (memset, fmod, ...)
}

// Bounds-checked view of the object file.
class Elf {
 public:
  explicit Elf(std::string_view data) : data_(data) {}

  template <typename T>
  std::optional<T> Read(uint64_t offset) const {
    if (offset > data_.size() || data_.size() - offset < sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, data_.data() + offset, sizeof(T));
    return value;
  }
  bool Contains(uint64_t offset, uint64_t size) const {
    return offset <= data_.size() && size <= data_.size() - offset;
  }
  const char* At(uint64_t offset) const { return data_.data() + offset; }
  // The NUL-terminated string at `offset` of string table `table`, or nullopt.
  std::optional<std::string> String(const Elf64_Shdr& table, uint64_t offset) const {
    if (offset >= table.sh_size || !Contains(table.sh_offset, table.sh_size)) return std::nullopt;
    const char* begin = At(table.sh_offset + offset);
    const void* end = std::memchr(begin, '\0', table.sh_size - offset);
    if (!end) return std::nullopt;
    return std::string(begin, static_cast<const char*>(end));
  }

 private:
  std::string_view data_;
};

struct Linker {
  const Elf& elf;
  std::vector<Elf64_Shdr> sections;
  std::vector<std::optional<uint64_t>> placed;  // offset in the mapping of each loaded section
  const Elf64_Shdr* symtab = nullptr;
  const Elf64_Shdr* strtab = nullptr;
  std::map<std::string, size_t> slot_of;  // outside symbol -> slot index
  std::vector<void*> slot_targets;
  uint64_t slots_offset = 0;
  unsigned char* base = nullptr;

  Result<Elf64_Sym> Symbol(uint64_t index) const {
    if (!symtab || index >= symtab->sh_size / sizeof(Elf64_Sym)) return Error{"relocation names a symbol that does not exist"};
    std::optional<Elf64_Sym> sym = elf.Read<Elf64_Sym>(symtab->sh_offset + index * sizeof(Elf64_Sym));
    if (!sym) return Error{"symbol table is truncated"};
    return *sym;
  }

  Result<std::string> NameOf(const Elf64_Sym& sym) const {
    std::optional<std::string> name = strtab ? elf.String(*strtab, sym.st_name) : std::nullopt;
    if (!name) return Error{"symbol name is out of bounds"};
    return *name;
  }

  // Address of a symbol defined in a loaded section, or an absolute one.
  Result<uint64_t> DefinedAddress(const Elf64_Sym& sym) const {
    if (sym.st_shndx == SHN_ABS) return sym.st_value;
    if (sym.st_shndx >= SHN_LORESERVE || sym.st_shndx >= sections.size() || !placed[sym.st_shndx]) {
      return Error{"relocation refers to a section that is not loaded"};
    }
    if (sym.st_value > sections[sym.st_shndx].sh_size) return Error{"symbol lies outside its section"};
    return reinterpret_cast<uint64_t>(base) + *placed[sym.st_shndx] + sym.st_value;
  }
};

// The bytes of the defined global `wanted` in the object file, or nullopt.
std::optional<std::string_view> SymbolBytes(const Linker& linker, const std::string& wanted) {
  const uint64_t count = linker.symtab->sh_size / sizeof(Elf64_Sym);
  for (uint64_t i = 1; i < count; ++i) {
    Result<Elf64_Sym> sym = linker.Symbol(i);
    if (!sym.ok()) return std::nullopt;
    if (ELF64_ST_BIND(sym->st_info) != STB_GLOBAL || sym->st_shndx == SHN_UNDEF) continue;
    Result<std::string> name = linker.NameOf(*sym);
    if (!name.ok() || *name != wanted) continue;
    if (sym->st_shndx >= SHN_LORESERVE || sym->st_shndx >= linker.sections.size()) return std::nullopt;
    const Elf64_Shdr& section = linker.sections[sym->st_shndx];
    if (section.sh_type != SHT_PROGBITS || sym->st_value > section.sh_size ||
        section.sh_size - sym->st_value < sym->st_size || !linker.elf.Contains(section.sh_offset, section.sh_size)) {
      return std::nullopt;
    }
    return std::string_view(linker.elf.At(section.sh_offset + sym->st_value), sym->st_size);
  }
  return std::nullopt;
}

bool FitsInt32(int64_t v) { return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max(); }

}  // namespace

LoadedObject::~LoadedObject() {
  if (memory_) munmap(memory_, size_);
}

Result<std::unique_ptr<LoadedObject>> LoadedObject::Load(std::string_view object, const std::vector<std::string>& symbols,
                                                         std::string_view key) {
  if (!kSupportedHost) return Error{"the built-in object loader supports only x86-64"};
  Elf elf(object);
  std::optional<Elf64_Ehdr> header = elf.Read<Elf64_Ehdr>(0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0) return Error{"not an ELF file"};
  if (header->e_ident[EI_CLASS] != ELFCLASS64 || header->e_ident[EI_DATA] != ELFDATA2LSB ||
      header->e_machine != EM_X86_64 || header->e_type != ET_REL) {
    return Error{"not a relocatable x86-64 ELF object"};
  }
  if (header->e_shentsize != sizeof(Elf64_Shdr) || header->e_shnum == 0 || header->e_shnum > 4096 ||
      !elf.Contains(header->e_shoff, uint64_t{header->e_shnum} * sizeof(Elf64_Shdr)) ||
      header->e_shstrndx >= header->e_shnum) {
    return Error{"damaged section header table"};
  }

  Linker linker{elf, {}, {}, nullptr, nullptr, {}, {}, 0, nullptr};
  for (uint16_t i = 0; i < header->e_shnum; ++i) {
    linker.sections.push_back(*elf.Read<Elf64_Shdr>(header->e_shoff + uint64_t{i} * sizeof(Elf64_Shdr)));
  }
  const std::vector<Elf64_Shdr>& sections = linker.sections;
  const Elf64_Shdr& names = sections[header->e_shstrndx];
  linker.placed.assign(sections.size(), std::nullopt);

  // Place the loaded sections: code and constants; unwind tables are not needed (kernels
  // never throw) and are left out with their relocations.
  // The first 16 bytes stay zero: callers built with -fsanitize=function read the 8 bytes
  // before a function they call through a pointer, so code must not start the mapping.
  uint64_t cursor = 16;
  for (size_t i = 0; i < sections.size(); ++i) {
    const Elf64_Shdr& s = sections[i];
    if (s.sh_type == SHT_SYMTAB) {
      if (linker.symtab || s.sh_link >= sections.size() || !elf.Contains(s.sh_offset, s.sh_size)) {
        return Error{"damaged symbol table"};
      }
      linker.symtab = &s;
      linker.strtab = &sections[s.sh_link];
    }
    if (!(s.sh_flags & SHF_ALLOC) || s.sh_size == 0) continue;
    std::optional<std::string> name = elf.String(names, s.sh_name);
    if (!name) return Error{"damaged section name"};
    if (*name == ".eh_frame") continue;
    if (s.sh_flags & (SHF_WRITE | SHF_TLS)) return Error{"section " + *name + " is writable or thread-local"};
    if (s.sh_type != SHT_PROGBITS && s.sh_type != SHT_NOBITS) return Error{"section " + *name + " has an unsupported type"};
    if (s.sh_type == SHT_PROGBITS && !elf.Contains(s.sh_offset, s.sh_size)) return Error{"section " + *name + " is truncated"};
    uint64_t align = s.sh_addralign == 0 ? 1 : s.sh_addralign;
    if (align > 4096 || (align & (align - 1)) != 0 || s.sh_size > (uint64_t{1} << 30)) {
      return Error{"section " + *name + " has an unsupported size or alignment"};
    }
    cursor = (cursor + align - 1) & ~(align - 1);
    linker.placed[i] = cursor;
    cursor += s.sh_size;
  }
  if (!linker.symtab) return Error{"no symbol table"};

  // Give every outside symbol a slot (stub + address).
  auto each_relocation = [&](auto&& visit) -> Status {
    for (const Elf64_Shdr& s : sections) {
      if (s.sh_type == SHT_REL) return Error{"REL relocations (without addends) are not supported"};
      if (s.sh_type != SHT_RELA || s.sh_info >= sections.size() || !linker.placed[s.sh_info]) continue;
      if (s.sh_entsize != sizeof(Elf64_Rela) || !elf.Contains(s.sh_offset, s.sh_size) ||
          s.sh_link >= sections.size() || &sections[s.sh_link] != linker.symtab) {
        return Error{"damaged relocation section"};
      }
      for (uint64_t off = 0; off + sizeof(Elf64_Rela) <= s.sh_size; off += sizeof(Elf64_Rela)) {
        Elf64_Rela rela = *elf.Read<Elf64_Rela>(s.sh_offset + off);
        if (Status st = visit(s.sh_info, rela); !st.ok()) return st;
      }
    }
    return Status::Ok();
  };
  Status slots = each_relocation([&](uint32_t, const Elf64_Rela& rela) -> Status {
    Result<Elf64_Sym> sym = linker.Symbol(ELF64_R_SYM(rela.r_info));
    if (!sym.ok()) return Error{sym.error().message};
    if (sym->st_shndx != SHN_UNDEF || ELF64_R_SYM(rela.r_info) == 0) return Status::Ok();
    Result<std::string> name = linker.NameOf(*sym);
    if (!name.ok()) return Error{name.error().message};
    if (linker.slot_of.count(*name)) return Status::Ok();
    void* target = ResolveOutside(*name);
    if (!target) return Error{"kernel object calls unknown function " + *name};
    linker.slot_of[*name] = linker.slot_targets.size();
    linker.slot_targets.push_back(target);
    return Status::Ok();
  });
  if (!slots.ok()) return Error{slots.message()};
  linker.slots_offset = (cursor + kSlotSize - 1) & ~(kSlotSize - 1);
  const size_t size = linker.slots_offset + linker.slot_targets.size() * kSlotSize;
  if (cursor == 16) return Error{"the object has no code"};

  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return Error{std::string("cannot map memory for a kernel: ") + std::strerror(errno)};
  std::unique_ptr<LoadedObject> loaded(new LoadedObject(memory, size));
  linker.base = static_cast<unsigned char*>(memory);
  for (size_t i = 0; i < sections.size(); ++i) {
    if (linker.placed[i] && sections[i].sh_type == SHT_PROGBITS) {
      std::memcpy(linker.base + *linker.placed[i], elf.At(sections[i].sh_offset), sections[i].sh_size);
    }
  }
  for (size_t k = 0; k < linker.slot_targets.size(); ++k) {
    unsigned char* slot = linker.base + linker.slots_offset + k * kSlotSize;
    std::memcpy(slot, kStubCode, sizeof(kStubCode));
    std::memcpy(slot + 8, &linker.slot_targets[k], sizeof(void*));
  }

  Status applied = each_relocation([&](uint32_t target_index, const Elf64_Rela& rela) -> Status {
    const Elf64_Shdr& target = sections[target_index];
    const uint32_t type = ELF64_R_TYPE(rela.r_info);
    if (type == R_X86_64_NONE) return Status::Ok();
    const uint64_t width = (type == R_X86_64_64 || type == R_X86_64_PC64) ? 8 : 4;
    if (rela.r_offset > target.sh_size || target.sh_size - rela.r_offset < width) {
      return Error{"relocation lies outside its section"};
    }
    unsigned char* place = linker.base + *linker.placed[target_index] + rela.r_offset;
    const uint64_t p = reinterpret_cast<uint64_t>(place);
    Result<Elf64_Sym> sym = linker.Symbol(ELF64_R_SYM(rela.r_info));
    if (!sym.ok()) return Error{sym.error().message};
    uint64_t s = 0;        // the symbol's address (0 for the null symbol)
    uint64_t slot = 0;     // its slot (stub; GOT entry at +8), outside symbols only
    if (ELF64_R_SYM(rela.r_info) == 0) {
      // No symbol: S = 0.
    } else if (sym->st_shndx == SHN_UNDEF) {
      Result<std::string> name = linker.NameOf(*sym);
      if (!name.ok()) return Error{name.error().message};
      auto found = linker.slot_of.find(*name);
      if (found == linker.slot_of.end()) return Error{"outside symbol " + *name + " has no slot"};
      size_t k = found->second;
      slot = reinterpret_cast<uint64_t>(linker.base + linker.slots_offset + k * kSlotSize);
      s = reinterpret_cast<uint64_t>(linker.slot_targets[k]);
    } else {
      Result<uint64_t> address = linker.DefinedAddress(*sym);
      if (!address.ok()) return Error{address.error().message};
      s = *address;
    }
    const int64_t a = rela.r_addend;
    int64_t value = 0;
    switch (type) {
      case R_X86_64_64: {
        uint64_t v = s + static_cast<uint64_t>(a);
        std::memcpy(place, &v, 8);
        return Status::Ok();
      }
      case R_X86_64_PC64: {
        uint64_t v = s + static_cast<uint64_t>(a) - p;
        std::memcpy(place, &v, 8);
        return Status::Ok();
      }
      case R_X86_64_PLT32:
        // A call to an outside function goes through its stub, which is in range.
        value = static_cast<int64_t>((slot ? slot : s) + static_cast<uint64_t>(a) - p);
        break;
      case R_X86_64_PC32:
        value = static_cast<int64_t>(s + static_cast<uint64_t>(a) - p);
        break;
      case R_X86_64_GOTPCREL:
      case R_X86_64_GOTPCRELX:
      case R_X86_64_REX_GOTPCRELX:
        if (!slot) return Error{"GOT-relative reference to a symbol defined in the object"};
        value = static_cast<int64_t>(slot + 8 + static_cast<uint64_t>(a) - p);
        break;
      default:
        return Error{"unsupported relocation type " + std::to_string(type) + " (not position-independent code?)"};
    }
    if (!FitsInt32(value)) return Error{"relocation target out of 32-bit range"};
    int32_t v32 = static_cast<int32_t>(value);
    std::memcpy(place, &v32, 4);
    return Status::Ok();
  });
  if (!applied.ok()) return Error{applied.message()};

  // Look the entry points up before the memory becomes read-only.
  const uint64_t symbol_count = linker.symtab->sh_size / sizeof(Elf64_Sym);
  for (const std::string& wanted : symbols) {
    void* found = nullptr;
    for (uint64_t i = 1; i < symbol_count && !found; ++i) {
      Result<Elf64_Sym> sym = linker.Symbol(i);
      if (!sym.ok()) return sym.error();
      if (ELF64_ST_BIND(sym->st_info) != STB_GLOBAL || sym->st_shndx == SHN_UNDEF) continue;
      Result<std::string> name = linker.NameOf(*sym);
      if (!name.ok() || *name != wanted) continue;
      if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC) return Error{"kernel symbol " + wanted + " is not a function"};
      Result<uint64_t> address = linker.DefinedAddress(*sym);
      if (!address.ok()) return address.error();
      found = reinterpret_cast<void*>(*address);
    }
    if (!found) return Error{"kernel object does not define " + wanted};
    loaded->symbols_.push_back(found);
  }
  // Last, so that every other check also runs on objects from elsewhere (the fuzzer's).
  if (Status s = CheckKernelKey(SymbolBytes(linker, kKernelKeySymbol), key); !s.ok()) return s.error();
  if (mprotect(memory, size, PROT_READ | PROT_EXEC) != 0) {
    return Error{std::string("cannot make kernel code executable: ") + std::strerror(errno)};
  }
  return loaded;
}

}  // namespace tally::codegen
