using AutoEncoders.Build;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests.Build;

/// <summary>The build-time patch of TorchSharp's native wrapper, checked on the real files of this machine.</summary>
public sealed class LibTorchSharpCompatTests
{
    private static readonly string PackagedLibrary = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static readonly string SystemLibStdCxx = ElfVersionPatcher.FindSystemLibStdCxx()
        ?? throw new InvalidOperationException("No libstdc++.so.6 found on this system.");

    [Fact]
    public void The_packaged_library_needs_a_libstdcxx_version_that_only_a_marker_symbol_uses()
    {
        var needs = ElfVersionPatcher.ReadNeededVersions(PackagedLibrary, "libstdc++.so.6");
        Assert.Contains(("GLIBCXX_3.4.32", false), needs);
        Assert.Contains(("GLIBCXX_3.4.26", false), needs);
    }

    [Fact]
    public void Patching_marks_the_missing_version_weak_once_and_is_idempotent()
    {
        using var directory = new TempDirectory();
        string copy = directory.File("libLibTorchSharp.so");
        File.Copy(PackagedLibrary, copy);
        // A Debian 12 libstdc++: everything the library asks for but GLIBCXX_3.4.32.
        var provided = new HashSet<string>(ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6").Select(n => n.Version).Where(v => v != "GLIBCXX_3.4.32"));

        PatchResult first = ElfVersionPatcher.Patch(copy, "libstdc++.so.6", provided);
        byte[] afterFirst = File.ReadAllBytes(copy);
        PatchResult second = ElfVersionPatcher.Patch(copy, "libstdc++.so.6", provided);

        Assert.True(first.Changed);
        Assert.Equal(["GLIBCXX_3.4.32"], first.Weakened);
        Assert.Empty(first.Unsatisfiable);
        Assert.False(second.Changed);
        Assert.Equal(["GLIBCXX_3.4.32"], second.AlreadyWeak);
        Assert.Equal(afterFirst, File.ReadAllBytes(copy));
        Assert.Contains(("GLIBCXX_3.4.32", true), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));

        // Exactly two bytes (one flags field) differ from the package's original.
        byte[] original = File.ReadAllBytes(PackagedLibrary);
        Assert.Equal(original.Length, afterFirst.Length);
        Assert.InRange(original.Zip(afterFirst).Count(p => p.First != p.Second), 1, 2);
    }

    [Fact]
    public void A_library_the_system_can_satisfy_is_left_untouched()
    {
        using var directory = new TempDirectory();
        string copy = directory.File("libLibTorchSharp.so");
        File.Copy(PackagedLibrary, copy);
        DateTime written = File.GetLastWriteTimeUtc(copy);
        var newer = new HashSet<string>(ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6").Select(n => n.Version));

        PatchResult result = ElfVersionPatcher.Patch(copy, "libstdc++.so.6", newer);

        Assert.False(result.Changed);
        Assert.Equal(File.ReadAllBytes(PackagedLibrary), File.ReadAllBytes(copy));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy));
    }

    [Fact]
    public void A_version_that_real_symbols_need_is_never_weakened()
    {
        using var directory = new TempDirectory();
        string copy = directory.File("libLibTorchSharp.so");
        File.Copy(PackagedLibrary, copy);

        // Pretend the system lacks GLIBCXX_3.4.26, which real functions of the library are bound to.
        var provided = new HashSet<string>(ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6").Select(n => n.Version).Where(v => v != "GLIBCXX_3.4.26"));
        PatchResult result = ElfVersionPatcher.Patch(copy, "libstdc++.so.6", provided);

        Assert.Contains("GLIBCXX_3.4.26", result.Unsatisfiable);
        Assert.DoesNotContain("GLIBCXX_3.4.26", result.Weakened);
        Assert.Contains(("GLIBCXX_3.4.26", false), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));
    }

    [Fact]
    public void The_system_libstdcxx_definitions_are_read_from_its_version_table()
    {
        HashSet<string> defined = ElfVersionPatcher.ReadDefinedVersions(SystemLibStdCxx);
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
        Assert.True(defined.Count(v => v.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal)) > 20);
    }

    [Fact]
    public void The_copy_the_build_placed_next_to_the_tests_is_patched_exactly_when_this_system_needs_it()
    {
        string built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        bool systemHasIt = ElfVersionPatcher.ReadDefinedVersions(SystemLibStdCxx).Contains("GLIBCXX_3.4.32");
        Assert.Contains(("GLIBCXX_3.4.32", !systemHasIt), ElfVersionPatcher.ReadNeededVersions(built, "libstdc++.so.6"));
    }

    [Fact]
    public void Files_that_are_not_elf_are_refused_with_the_offset()
    {
        using var directory = new TempDirectory();
        string path = directory.Write("fake.so", "not an ELF file at all, just text"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.ReadNeededVersions(path, "libstdc++.so.6"));
        Assert.Contains("offset 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loader_failure_is_explained_in_one_sentence()
    {
        string message = TorchRuntime.DescribeLoadFailure(
            "libLibTorchSharp.so",
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/libLibTorchSharp.so)");
        Assert.Equal(
            "libtorch cannot load: libLibTorchSharp.so needs GLIBCXX_3.4.32 from libstdc++.so.6, which this system lacks; build with the AutoEncoders package's compatibility step on (it marks that requirement weak; AeSkipLibTorchSharpCompat must not be true), let the installation's first libtorch load run where its folder is writable (AE_SKIP_LIBTORCHSHARP_COMPAT must not be true), or install a libstdc++.so.6 from GCC 13 or newer.",
            message);
        Assert.DoesNotContain('\n', message);
    }
}
