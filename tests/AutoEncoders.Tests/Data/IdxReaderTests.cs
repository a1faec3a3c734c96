using System.Buffers.Binary;
using System.IO.Compression;
using AutoEncoders.Data;
using Xunit;

namespace AutoEncoders.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private static readonly Lazy<byte[]> LabelBytes = new(() => Gunzip(File.ReadAllBytes(TestData.MnistTestLabels)));
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Official_mnist_test_set_reads_with_its_published_shape_label_counts_and_content_hash()
    {
        IdxArray images = IdxReader.Read(TestData.MnistTestImages);
        IdxArray labels = IdxReader.Read(TestData.MnistTestLabels);

        Assert.Equal([10000, 28, 28], images.Shape);
        Assert.Equal(IdxDataType.UInt8, images.DataType);
        Assert.True(images.Compressed);
        Assert.Equal((0.0, 255.0), images.Range());
        Assert.Equal("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", images.ContentSha256);
        Assert.Equal("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", labels.ContentSha256);
        Assert.Equal([10000], labels.Shape);
        long[] expected = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
        Assert.Equal(Enumerable.Range(0, 10).Select(d => (long)d), labels.LabelCounts().Keys);
        Assert.Equal(expected, labels.LabelCounts().Values);
    }

    [Fact]
    public void Raw_file_reads_the_same_as_its_gzip_and_hashes_to_its_own_sha256()
    {
        string raw = _temp.Write("labels-idx1-ubyte", LabelBytes.Value);

        IdxArray array = IdxReader.Read(raw);

        Assert.False(array.Compressed);
        Assert.Equal(IdxReader.Read(TestData.MnistTestLabels).ContentSha256, array.ContentSha256);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(LabelBytes.Value)), array.ContentSha256);
    }

    [Fact]
    public void Header_alone_is_read_without_the_payload()
    {
        IdxHeader header = IdxReader.ReadHeader(TestData.MnistTestImages);

        Assert.Equal(IdxDataType.UInt8, header.DataType);
        Assert.Equal([10000, 28, 28], header.Shape);
        Assert.Equal(16, header.Length);
        Assert.Equal(7_840_000, header.PayloadLength);
        Assert.Equal("10000 x 28 x 28", header.ShapeText);
    }

    [Fact]
    public void Truncated_raw_file_is_refused_at_its_end()
    {
        string path = _temp.Write("cut", LabelBytes.Value[..5000]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal("offset 5000", e.Location);
        Assert.Contains("10008 bytes in all", e.Message);
        Assert.Contains("only 5000 bytes; it is truncated", e.Message);
    }

    [Fact]
    public void Raw_file_cut_inside_its_header_is_refused()
    {
        string path = _temp.Write("cut", LabelBytes.Value[..6]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 6", e.Location);
        Assert.Contains("ends after 2 of 4 bytes", e.Message);
    }

    [Fact]
    public void Truncated_gzip_is_refused_at_the_decompressed_offset_where_the_data_ends()
    {
        byte[] gz = File.ReadAllBytes(TestData.MnistTestLabels);
        string path = _temp.Write("cut.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.StartsWith("decompressed offset ", e.Location);
        long offset = long.Parse(e.Location["decompressed offset ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(offset, 8, 10007);
        Assert.Contains($"the {gz.Length / 2}-byte gzip file is truncated", e.Message);
    }

    [Fact]
    public void Gzip_cut_inside_its_trailer_is_refused_by_the_trailer_check()
    {
        byte[] gz = File.ReadAllBytes(TestData.MnistTestLabels);
        string path = _temp.Write("cut.gz", gz[..^3]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal($"offset {gz.Length - 7}", e.Location);
        Assert.Contains("record the 10008 bytes that were decompressed", e.Message);
    }

    [Fact]
    public void Bad_magic_is_refused_at_offset_0()
    {
        byte[] bytes = Mutate(b => b[1] = 0x42);
        string path = _temp.Write("bad-magic", bytes);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 0", e.Location);
        Assert.Contains("found 00420801; this is not an IDX file", e.Message);
    }

    [Fact]
    public void Unknown_type_code_is_refused_at_offset_2()
    {
        string path = _temp.Write("bad-type", Mutate(b => b[2] = 0x07));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 2", e.Location);
        Assert.Contains("found 07", e.Message);
    }

    [Fact]
    public void Rank_0_is_refused_at_offset_3()
    {
        string path = _temp.Write("rank0", Mutate(b => b[3] = 0));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 3", e.Location);
        Assert.Contains("rank between 1 and 8, found 0", e.Message);
    }

    [Fact]
    public void Zero_size_is_refused_at_its_offset()
    {
        string path = _temp.Write("zero", Mutate(b => BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), 0)));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 4", e.Location);
        Assert.Contains("positive size for dimension 0, found 0", e.Message);
    }

    [Fact]
    public void Huge_sizes_in_a_small_gzip_are_refused_before_allocating()
    {
        byte[] header = [0, 0, 0x08, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff];
        string path = _temp.Write("huge.gz", Gzip(header));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("decompressed offset 4", e.Location);
        Assert.Contains("more than one array can hold", e.Message);
    }

    [Fact]
    public void Extra_trailing_bytes_in_a_raw_file_are_refused_where_the_data_should_end()
    {
        string path = _temp.Write("extra", [.. LabelBytes.Value, 1, 2, 3]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("offset 10008", e.Location);
        Assert.Contains("3 unexpected bytes after the data", e.Message);
    }

    [Fact]
    public void Extra_decompressed_bytes_in_a_gzip_are_refused_where_the_data_should_end()
    {
        string path = _temp.Write("extra.gz", Gzip([.. LabelBytes.Value, 9]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("decompressed offset 10008", e.Location);
        Assert.Contains("found more bytes", e.Message);
    }

    [Fact]
    public void Bytes_appended_after_a_gzip_stream_are_refused_by_the_trailer_check()
    {
        byte[] gz = File.ReadAllBytes(TestData.MnistTestLabels);
        string path = _temp.Write("appended.gz", [.. gz, 0, 0, 0, 0, 0]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal($"offset {gz.Length + 1}", e.Location);
        Assert.Contains("has bytes appended", e.Message);
    }

    [Fact]
    public void Corrupt_deflate_stream_is_refused_naming_the_file()
    {
        byte[] gz = File.ReadAllBytes(TestData.MnistTestImages);
        for (int i = 1000; i < 1100; i++)
        {
            gz[i] ^= 0x5a;
        }

        string path = _temp.Write("corrupt.gz", gz);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.StartsWith("decompressed offset ", e.Location);
        Assert.Contains("gzip stream is corrupt", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }

    [Fact]
    public void Gzip_that_is_not_idx_is_refused_at_decompressed_offset_0()
    {
        string path = _temp.Write("notes.txt.gz", Gzip("hello, this is text\n"u8.ToArray()));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        Assert.Equal("decompressed offset 0", e.Location);
        Assert.Contains("this is not an IDX file inside the gzip stream", e.Message);
    }

    [Fact]
    public void Missing_file_is_refused_naming_it()
    {
        string path = _temp.File("absent.gz");

        var e = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));

        Assert.Contains(path, e.Message);
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }

        return output.ToArray();
    }

    internal static byte[] Gunzip(byte[] data)
    {
        using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Mutate(Action<byte[]> change)
    {
        byte[] copy = (byte[])LabelBytes.Value.Clone();
        change(copy);
        return copy;
    }
}
