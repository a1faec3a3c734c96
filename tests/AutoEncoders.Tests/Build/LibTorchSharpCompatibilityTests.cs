using AutoEncoders.Build;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Packaging;

namespace AutoEncoders.Tests.Build;

/// <summary>
/// The first-use patch of an installed libLibTorchSharp.so (TorchRuntime.EnsureLoaded), on copies laid out like a
/// tool install: done once per installation, remembered by a marker, safe when several processes start at once.
/// </summary>
public sealed class LibTorchSharpCompatibilityTests
{
    private static readonly string Native = Path.Combine("runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void The_first_use_patches_the_copy_only_where_the_system_needs_it_says_so_once_and_leaves_a_marker()
    {
        using var tool = new TempDirectory();
        string copy = tool.Write(Native, File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp));

        string? first = LibTorchSharpCompatibility.EnsureLoadable(tool.Path);
        string? second = LibTorchSharpCompatibility.EnsureLoadable(tool.Path);

        Assert.Equal(PackageFeed.SystemNeedsCompat, first is not null);
        Assert.Null(second);
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));
        if (first is not null)
        {
            Assert.StartsWith($"{copy}: marked GLIBCXX_3.4.32 weak", first, StringComparison.Ordinal);
        }

        string marker = File.ReadAllText(copy + LibTorchSharpCompatibility.MarkerSuffix).Trim();
        Assert.StartsWith($"1 {new FileInfo(copy).Length} {new FileInfo(copy).LastWriteTimeUtc.Ticks} /", marker, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy)!, "*.patching"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy)!, "*.tmp"));
    }

    [Fact]
    public void A_marked_installation_is_not_read_again_until_the_library_changes()
    {
        if (!PackageFeed.SystemNeedsCompat)
        {
            return; // this system's libstdc++ has GLIBCXX_3.4.32: nothing is ever patched (the first test checks that)
        }

        using var tool = new TempDirectory();
        byte[] upstream = File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp);
        string copy = tool.Write(Native, upstream);
        Assert.NotNull(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));

        // The published bytes again, with the patched file's size and time: the marker still matches, so the
        // check does not read the file (it would patch it otherwise).
        DateTime stamp = File.GetLastWriteTimeUtc(copy);
        File.WriteAllBytes(copy, upstream);
        File.SetLastWriteTimeUtc(copy, stamp);
        Assert.Null(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));
        Assert.Equal(upstream, File.ReadAllBytes(copy));

        // A new time (a reinstall, a new package) makes it look again.
        File.SetLastWriteTimeUtc(copy, stamp.AddMinutes(1));
        Assert.NotNull(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));
        Assert.Contains(("GLIBCXX_3.4.32", true), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));
    }

    [Fact]
    public void Processes_starting_at_once_leave_one_whole_patched_library_and_no_temporary_files()
    {
        using var tool = new TempDirectory();
        string copy = tool.Write(Native, File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp));

        // Several first uses at once (threads here, like processes: each writes through a file of its own and a rename).
        string?[] notes = new string?[6];
        Parallel.For(0, notes.Length, new ParallelOptions { MaxDegreeOfParallelism = notes.Length }, i => notes[i] = LibTorchSharpCompatibility.EnsureLoadable(tool.Path));

        Assert.Equal(PackageFeed.SystemNeedsCompat, notes.Any(n => n is not null));
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));
        Assert.Equal(new FileInfo(PackageFeed.UpstreamLibTorchSharp).Length, new FileInfo(copy).Length);
        Assert.Equal([Path.GetFileName(copy), Path.GetFileName(copy) + LibTorchSharpCompatibility.MarkerSuffix],
            Directory.GetFiles(Path.GetDirectoryName(copy)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Null(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));
    }

    [Fact]
    public void The_skip_variable_leaves_the_copy_as_published()
    {
        using var tool = new TempDirectory();
        byte[] upstream = File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp);
        string copy = tool.Write(Native, upstream);

        Environment.SetEnvironmentVariable(LibTorchSharpCompatibility.SkipVariable, "true");
        try
        {
            Assert.Null(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LibTorchSharpCompatibility.SkipVariable, null);
        }

        Assert.Equal(upstream, File.ReadAllBytes(copy));
        Assert.False(File.Exists(copy + LibTorchSharpCompatibility.MarkerSuffix));
    }

    [Fact]
    public void A_folder_without_the_library_is_nothing_to_do()
    {
        using var tool = new TempDirectory();
        Assert.Null(LibTorchSharpCompatibility.EnsureLoadable(tool.Path));
        Assert.Empty(Directory.GetFileSystemEntries(tool.Path));
    }
}
