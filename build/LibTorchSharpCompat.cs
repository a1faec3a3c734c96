// Makes TorchSharp's native wrapper load on systems whose libstdc++ predates GCC 13 (Debian 12 and friends).
//
// libLibTorchSharp.so (TorchSharp 0.107, built with GCC 15) lists GLIBCXX_3.4.32 among the versions it needs from
// libstdc++.so.6, solely because of `_ZSt21ios_base_library_initv`, a link-time marker GCC 13+ emits for
// <iostream> that no relocation uses. The dynamic loader refuses the library when that version is missing, unless
// the version-needs entry carries VER_FLG_WEAK (glibc elf/dl-version.c: a missing weak version is not an error).
// This file finds such entries and marks them weak, but only when every dynamic symbol bound to the version is a
// known marker of that kind, and only when the system's libstdc++ really lacks the version.
//
// Compiled twice: inline by MSBuild's RoslynCodeTaskFactory (build/LibTorchSharpCompat.targets, also shipped in the
// AutoEncoders package as buildTransitive), and into the AutoEncoders library with ELF_PATCH_LOGIC_ONLY defined (no
// MSBuild task), whose TorchRuntime patches the installed copy on first use (the ae tool's, or any application's
// whose folder is writable); the tests check the ELF logic there on the real files.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !ELF_PATCH_LOGIC_ONLY
using Microsoft.Build.Framework;
#endif

namespace AutoEncoders.Build
{
#if !ELF_PATCH_LOGIC_ONLY
    /// <summary>MSBuild task: patch every given libLibTorchSharp.so whose libstdc++ needs this system cannot meet.</summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>The copies of libLibTorchSharp.so in an output or publish folder.</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Optional path of the libstdc++.so.6 to compare with; found like the dynamic loader would otherwise.</summary>
        public string? SystemLibStdCxx { get; set; }

        public override bool Execute()
        {
            string? libstdcxx = string.IsNullOrEmpty(SystemLibStdCxx) ? ElfVersionPatcher.FindSystemLibStdCxx() : SystemLibStdCxx;
            if (libstdcxx is null)
            {
                Log.LogMessage(MessageImportance.Low, "LibTorchSharp compat: no libstdc++.so.6 found on this system; nothing to compare, nothing patched.");
                return true;
            }

            HashSet<string> provided = ElfVersionPatcher.ReadDefinedVersions(libstdcxx);
            foreach (ITaskItem item in Files)
            {
                string path = item.ItemSpec;
                try
                {
                    PatchResult result = ElfVersionPatcher.Patch(path, "libstdc++.so.6", provided);
                    Log.LogMessage(result.Changed ? MessageImportance.High : MessageImportance.Low,
                        $"LibTorchSharp compat: {path}: {result.Summary}");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"LibTorchSharp compat: could not patch {path}: {e.Message}");
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif

    /// <summary>What <see cref="ElfVersionPatcher.Patch"/> did to one file.</summary>
    internal sealed class PatchResult
    {
        public PatchResult(bool changed, IReadOnlyList<string> weakened, IReadOnlyList<string> alreadyWeak, IReadOnlyList<string> unsatisfiable)
        {
            Changed = changed;
            Weakened = weakened;
            AlreadyWeak = alreadyWeak;
            Unsatisfiable = unsatisfiable;
        }

        /// <summary>Whether the file was rewritten.</summary>
        public bool Changed { get; }

        /// <summary>Versions marked weak by this call.</summary>
        public IReadOnlyList<string> Weakened { get; }

        /// <summary>Missing versions that were already weak (a previous run patched the file).</summary>
        public IReadOnlyList<string> AlreadyWeak { get; }

        /// <summary>Missing versions that real symbols depend on: the library cannot work here; left alone.</summary>
        public IReadOnlyList<string> Unsatisfiable { get; }

        public string Summary =>
            Changed ? $"marked {string.Join(", ", Weakened)} weak (the system's libstdc++ lacks it; only link-time markers use it)"
            : Unsatisfiable.Count > 0 ? $"needs {string.Join(", ", Unsatisfiable)}, which the system's libstdc++ lacks and real symbols use; not patched"
            : AlreadyWeak.Count > 0 ? $"already patched ({string.Join(", ", AlreadyWeak)} weak)"
            : "compatible with the system's libstdc++; untouched";
    }

    /// <summary>Reads and edits the GNU symbol-versioning sections of 64-bit little-endian ELF files.</summary>
    internal static class ElfVersionPatcher
    {
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Symbols that compilers emit only as link-time markers; no code calls them.</summary>
        public static readonly IReadOnlyCollection<string> MarkerSymbols = new[] { "_ZSt21ios_base_library_initv" };

        /// <summary>The libstdc++.so.6 the dynamic loader would pick, searched in LD_LIBRARY_PATH then the usual system folders.</summary>
        public static string? FindSystemLibStdCxx()
        {
            var folders = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                folders.AddRange(ldPath!.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            }

            folders.AddRange(new[]
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            });
            return folders.Select(f => Path.Combine(f, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        }

        /// <summary>The version names a shared library defines (its .gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
        public static HashSet<string> ReadDefinedVersions(string path)
        {
            byte[] image = File.ReadAllBytes(path);
            var elf = new ElfImage(image, path);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (Section verdef in elf.Sections.Where(s => s.Type == ShtGnuVerdef))
            {
                Section strtab = elf.Sections[(int)verdef.Link];
                long offset = verdef.Offset;
                for (uint i = 0; i < verdef.Info; i++)
                {
                    uint aux = elf.U32(offset + 12);
                    uint next = elf.U32(offset + 16);
                    uint nameOffset = elf.U32(offset + aux);
                    names.Add(elf.String(strtab, nameOffset));
                    if (next == 0)
                    {
                        break;
                    }

                    offset += next;
                }
            }

            return names;
        }

        /// <summary>The versions a file needs from <paramref name="library"/>, each with whether it is already weak.</summary>
        public static IReadOnlyList<(string Version, bool Weak)> ReadNeededVersions(string path, string library)
        {
            var elf = new ElfImage(File.ReadAllBytes(path), path);
            return elf.NeededVersions(library).Select(n => (n.Name, (n.Flags & VerFlgWeak) != 0)).ToList();
        }

        /// <summary>
        /// Marks weak every version <paramref name="path"/> needs from <paramref name="library"/> that
        /// <paramref name="provided"/> lacks, when only marker symbols use it. Writes through a temporary file and a
        /// rename, so an interrupted build never leaves half a library and hard links to the package cache are not
        /// modified. Idempotent: a second call changes nothing.
        /// </summary>
        public static PatchResult Patch(string path, string library, ISet<string> provided)
        {
            byte[] image = File.ReadAllBytes(path);
            var elf = new ElfImage(image, path);
            var weakened = new List<string>();
            var alreadyWeak = new List<string>();
            var unsatisfiable = new List<string>();
            List<NeededVersion> needs = elf.NeededVersions(library).Where(n => !provided.Contains(n.Name)).ToList();
            if (needs.Count == 0)
            {
                return new PatchResult(false, weakened, alreadyWeak, unsatisfiable);
            }

            Dictionary<ushort, List<string>> symbolsByVersion = elf.SymbolsByVersionIndex();
            foreach (NeededVersion need in needs)
            {
                if ((need.Flags & VerFlgWeak) != 0)
                {
                    alreadyWeak.Add(need.Name);
                    continue;
                }

                List<string> users = symbolsByVersion.TryGetValue(need.Index, out List<string>? s) ? s : new List<string>();
                if (users.All(MarkerSymbols.Contains))
                {
                    elf.WriteU16(need.FlagsOffset, (ushort)(need.Flags | VerFlgWeak));
                    weakened.Add(need.Name);
                }
                else
                {
                    unsatisfiable.Add(need.Name);
                }
            }

            if (weakened.Count > 0)
            {
                // A name of its own, so that two processes patching at once (two first runs of the tool) never
                // write into each other's file; the rename makes either result whole.
                string temporary = path + "." + Guid.NewGuid().ToString("N") + ".patching";
                try
                {
                    File.WriteAllBytes(temporary, image);
                    File.Replace(temporary, path, destinationBackupFileName: null);
                }
                finally
                {
                    File.Delete(temporary);
                }
            }

            return new PatchResult(weakened.Count > 0, weakened, alreadyWeak, unsatisfiable);
        }

        private sealed class Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public uint Info;
            public long EntrySize;
        }

        private sealed class NeededVersion
        {
            public string Name = "";
            public ushort Flags;
            public ushort Index;
            public long FlagsOffset;
        }

        /// <summary>Just enough of ELF64 (System V gABI, LSB symbol versioning) to read and flip version flags.</summary>
        private sealed class ElfImage
        {
            private readonly byte[] _bytes;
            private readonly string _path;

            public ElfImage(byte[] bytes, string path)
            {
                _bytes = bytes;
                _path = path;
                if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                {
                    throw new InvalidDataException($"{path}: not an ELF file (offset 0: expected the bytes 7F 45 4C 46).");
                }

                if (bytes[4] != 2 || bytes[5] != 1)
                {
                    throw new InvalidDataException($"{path}: offset 4: expected a 64-bit little-endian ELF file (class 2, data 1), found class {bytes[4]}, data {bytes[5]}.");
                }

                long shoff = (long)U64(0x28);
                ushort shentsize = U16(0x3A);
                ushort shnum = U16(0x3C);
                if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > bytes.Length)
                {
                    throw new InvalidDataException($"{path}: offset 0x28: section header table ({shnum} entries at {shoff}) lies outside the file of {bytes.Length} bytes.");
                }

                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + (long)i * shentsize;
                    Sections.Add(new Section
                    {
                        Type = U32(h + 4),
                        Offset = (long)U64(h + 0x18),
                        Size = (long)U64(h + 0x20),
                        Link = U32(h + 0x28),
                        Info = U32(h + 0x2C),
                        EntrySize = (long)U64(h + 0x38),
                    });
                }
            }

            public List<Section> Sections { get; } = new List<Section>();

            public List<NeededVersion> NeededVersions(string library)
            {
                var result = new List<NeededVersion>();
                foreach (Section verneed in Sections.Where(s => s.Type == ShtGnuVerneed))
                {
                    Section strtab = Sections[(int)verneed.Link];
                    long offset = verneed.Offset;
                    for (uint i = 0; i < verneed.Info; i++)
                    {
                        ushort count = U16(offset + 2);
                        string file = String(strtab, U32(offset + 4));
                        uint aux = U32(offset + 8);
                        uint next = U32(offset + 12);
                        long auxOffset = offset + aux;
                        for (int j = 0; j < count; j++)
                        {
                            if (file == library)
                            {
                                result.Add(new NeededVersion
                                {
                                    Flags = U16(auxOffset + 4),
                                    FlagsOffset = auxOffset + 4,
                                    Index = (ushort)(U16(auxOffset + 6) & 0x7fff),
                                    Name = String(strtab, U32(auxOffset + 8)),
                                });
                            }

                            uint auxNext = U32(auxOffset + 12);
                            if (auxNext == 0)
                            {
                                break;
                            }

                            auxOffset += auxNext;
                        }

                        if (next == 0)
                        {
                            break;
                        }

                        offset += next;
                    }
                }

                return result;
            }

            public Dictionary<ushort, List<string>> SymbolsByVersionIndex()
            {
                var result = new Dictionary<ushort, List<string>>();
                Section? dynsym = Sections.FirstOrDefault(s => s.Type == ShtDynsym);
                Section? versym = Sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
                if (dynsym is null || versym is null || dynsym.EntrySize == 0)
                {
                    return result;
                }

                Section strtab = Sections[(int)dynsym.Link];
                long count = dynsym.Size / dynsym.EntrySize;
                for (long i = 0; i < count; i++)
                {
                    ushort index = (ushort)(U16(versym.Offset + (i * 2)) & 0x7fff);
                    string name = String(strtab, U32(dynsym.Offset + (i * dynsym.EntrySize)));
                    if (!result.TryGetValue(index, out List<string>? names))
                    {
                        names = new List<string>();
                        result[index] = names;
                    }

                    names.Add(name);
                }

                return result;
            }

            public ushort U16(long offset) => (ushort)(Byte(offset) | (Byte(offset + 1) << 8));

            public uint U32(long offset) => (uint)(U16(offset) | (U16(offset + 2) << 16));

            public ulong U64(long offset) => U32(offset) | ((ulong)U32(offset + 4) << 32);

            public void WriteU16(long offset, ushort value)
            {
                _bytes[offset] = (byte)value;
                _bytes[offset + 1] = (byte)(value >> 8);
            }

            public string String(Section strtab, uint offset)
            {
                long start = strtab.Offset + offset;
                long end = start;
                while (Byte(end) != 0)
                {
                    end++;
                }

                return Encoding.ASCII.GetString(_bytes, (int)start, (int)(end - start));
            }

            private byte Byte(long offset)
            {
                if (offset < 0 || offset >= _bytes.Length)
                {
                    throw new InvalidDataException($"{_path}: offset {offset}: a version table points past the end of the file ({_bytes.Length} bytes).");
                }

                return _bytes[offset];
            }
        }
    }
}
