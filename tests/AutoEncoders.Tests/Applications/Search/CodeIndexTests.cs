using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications.Search;

public sealed class CodeIndexTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_rebuild_waits_for_the_writers_lock_and_says_who_holds_it_when_it_cannot()
    {
        TorchRuntime.EnsureLoaded();
        string path = _temp.File("locked.aeidx");
        using var index = new CodeIndex(torch.ones(5, 3));
        using (ExclusiveFileLock held = ExclusiveFileLock.Acquire(CodeIndex.LockPath(path), "the test's hold", TimeSpan.Zero))
        {
            IOException refused = Assert.Throws<IOException>(() => index.SaveExclusive(path, TimeSpan.FromMilliseconds(200)));
            Assert.Contains($"the index {path} is in use", refused.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(path), "nothing may be written while another writer holds the index");
        }

        index.SaveExclusive(path, TimeSpan.Zero);
        using CodeIndex loaded = CodeIndex.Load(path);
        Assert.Equal(5, loaded.Count);
    }

    [Fact]
    public void Save_load_append_and_rebuild_round_trip_codes_labels_ids_and_source()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(21);
        Tensor first = torch.randn(40, 6, generator: generator);
        Tensor second = torch.randn(25, 6, generator: generator);
        string path = _temp.File("codes.aeidx");
        using (var index = new CodeIndex(first, [.. Enumerable.Range(0, 40).Select(i => (long)(i % 3))], [.. Enumerable.Range(0, 40).Select(i => $"a:{i}")], "{\"representation\":\"raw\"}"))
        {
            index.Save(path);
        }

        long count = CodeIndex.AppendTo(path, second, [.. Enumerable.Range(0, 25).Select(_ => 9L)], [.. Enumerable.Range(0, 25).Select(i => $"b:{i}")]);

        Assert.Equal(65, count);
        using CodeIndex loaded = CodeIndex.Load(path);
        Assert.Equal(65, loaded.Count);
        Assert.Equal(6, loaded.Dimensions);
        Assert.True(loaded.Codes.equal(torch.cat([first, second], 0)).all().item<bool>());
        Assert.Equal(2L, loaded.Labels![38]);
        Assert.Equal(9L, loaded.Labels[64]);
        Assert.Equal("a:39", loaded.Ids![39]);
        Assert.Equal("b:0", loaded.Ids[40]);
        Assert.Equal("{\"representation\":\"raw\"}", loaded.Source);
        Assert.Equal(40, loaded.Search(second.narrow(0, 0, 1), 1).Indices[0][0]);

        // Rebuilding from the same codes in one go gives the same bytes as building then appending.
        string rebuilt = _temp.File("rebuilt.aeidx");
        using (var again = new CodeIndex(loaded.Codes, loaded.Labels, loaded.Ids, loaded.Source))
        {
            again.Save(rebuilt);
        }

        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(rebuilt));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
    }

    [Fact]
    public void Refuses_a_truncated_file_an_appended_dimension_mismatch_and_missing_labels()
    {
        TorchRuntime.EnsureLoaded();
        string path = _temp.File("codes.aeidx");
        using (var index = new CodeIndex(torch.ones(10, 4), [.. Enumerable.Repeat(1L, 10)]))
        {
            index.Save(path);
            Assert.Contains("codes of 4 values; the appended codes have 3", Assert.Throws<ArgumentException>(() => index.Append(torch.ones(2, 3), [1, 1])).Message, StringComparison.Ordinal);
            Assert.Contains("give one label per appended code", Assert.Throws<ArgumentException>(() => index.Append(torch.ones(2, 4))).Message, StringComparison.Ordinal);
        }

        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^20]);
        DataFormatException truncated = Assert.Throws<DataFormatException>(() => CodeIndex.Load(path));
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "not an index at all");
        Assert.Contains("AECODEIX", Assert.Throws<DataFormatException>(() => CodeIndex.Load(path)).Message, StringComparison.Ordinal);
    }
}
