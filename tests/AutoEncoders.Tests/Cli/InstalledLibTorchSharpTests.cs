using AutoEncoders.Build;
using AutoEncoders.Cli.NativeCompat;
using AutoEncoders.Tests.Packaging;

namespace AutoEncoders.Tests.Cli;

/// <summary>The installed tool's first-run patch of its own libLibTorchSharp.so, on a copy laid out like a tool install.</summary>
public sealed class InstalledLibTorchSharpTests
{
    [Fact]
    public void The_first_run_patches_the_copy_beside_the_tool_only_where_the_system_needs_it_and_says_so_once()
    {
        using var tool = new TempDirectory();
        string copy = tool.Write(Path.Combine("runtimes", "linux-x64", "native", "libLibTorchSharp.so"), File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp));

        string? first = InstalledLibTorchSharp.PatchIfNeeded(tool.Path);
        string? second = InstalledLibTorchSharp.PatchIfNeeded(tool.Path);

        Assert.Equal(PackageFeed.SystemNeedsCompat, first is not null);
        Assert.Null(second);
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(copy, "libstdc++.so.6"));
        if (first is not null)
        {
            Assert.StartsWith($"{copy}: marked GLIBCXX_3.4.32 weak", first, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy)!, "*.patching"));
    }

    [Fact]
    public void The_skip_variable_leaves_the_copy_as_published()
    {
        using var tool = new TempDirectory();
        byte[] upstream = File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp);
        string copy = tool.Write(Path.Combine("runtimes", "linux-x64", "native", "libLibTorchSharp.so"), upstream);

        Environment.SetEnvironmentVariable(InstalledLibTorchSharp.SkipVariable, "true");
        try
        {
            Assert.Null(InstalledLibTorchSharp.PatchIfNeeded(tool.Path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(InstalledLibTorchSharp.SkipVariable, null);
        }

        Assert.Equal(upstream, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_folder_without_the_library_is_nothing_to_do()
    {
        using var tool = new TempDirectory();
        Assert.Null(InstalledLibTorchSharp.PatchIfNeeded(tool.Path));
    }
}
