using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace AutoEncoders.Data.Streaming;

/// <summary>
/// A NumPy .npy file of float32 values in C order, shape [N, ...], read a block of rows at a time with positioned
/// reads (<see cref="RandomAccess"/>) straight into the block's tensor memory: nothing but the blocks in use is held
/// in memory, and no file pages are mapped into the process (they stay in the kernel's page cache).
/// </summary>
public sealed class NpyStreamingDataset : StreamingDataset
{
    private readonly SafeFileHandle _file;
    private readonly long _dataStart;
    private readonly long _blockRows;

    /// <summary>Opens <paramref name="path"/> and checks its header; <paramref name="blockRows"/> null reads <see cref="StreamingDataset.DefaultBlockBytes"/> per block.</summary>
    /// <exception cref="DataFormatException">Not a .npy file, not float32, Fortran order, or the data does not fill the file as the shape says.</exception>
    public NpyStreamingDataset(string path, long? blockRows = null)
        : this(path, OpenFile(path), blockRows)
    {
    }

    private NpyStreamingDataset(string path, (SafeFileHandle File, long[] Shape, long DataStart) opened, long? blockRows)
        : base(path, opened.Shape[0], opened.Shape[1..])
    {
        (_file, _dataStart) = (opened.File, opened.DataStart);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows ?? 1, 1, nameof(blockRows));
        _blockRows = Math.Min(Count, blockRows ?? Math.Max(1, DefaultBlockBytes / Math.Max(1, SampleSize * sizeof(float))));
        BlockCount = checked((int)((Count + _blockRows - 1) / _blockRows));
    }

    /// <inheritdoc />
    public override int BlockCount { get; }

    /// <inheritdoc />
    public override long BlockStart(int block) => block * _blockRows;

    /// <inheritdoc />
    public override long BlockRows(int block) => Math.Min(_blockRows, Count - BlockStart(block));

    /// <inheritdoc />
    protected override void ReadBlock(int block, Span<float> destination)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        long offset = _dataStart + (BlockStart(block) * SampleSize * sizeof(float));
        while (bytes.Length > 0)
        {
            int read = RandomAccess.Read(_file, bytes, offset);
            if (read == 0)
            {
                // The header was checked against the file's length when it was opened: the file shrank since.
                throw new DataFormatException(Path, $"offset {offset}", $"expected {bytes.Length} more bytes of block {block}; the file ends there (it was truncated while being read).");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private static (SafeFileHandle File, long[] Shape, long DataStart) OpenFile(string path)
    {
        SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            long length = RandomAccess.GetLength(file);

            // Magic, version and header length first, then exactly the header they announce.
            byte[] start = new byte[(int)Math.Min(length, 12)];
            RandomAccess.Read(file, start, 0);
            long headerEnd = start.Length < 10 ? start.Length
                : start[6] == 1 ? 10 + BitConverter.ToUInt16(start, 8)
                : start.Length < 12 ? start.Length : 12 + (long)BitConverter.ToUInt32(start, 8);
            byte[] header = new byte[(int)Math.Min(Math.Min(headerEnd, length), 1 << 24)];
            RandomAccess.Read(file, header, 0);
            (ScalarType type, long[] shape, long dataStart) = NpyFile.ParseHeader(header, length, path);
            if (type != ScalarType.Float32)
            {
                throw new DataFormatException(path, "header", $"expected float32 values (<f4) to stream; found {(type == ScalarType.Float64 ? "float64 (<f8)" : "int64 (<i8)")}. Convert it with numpy: a.astype('float32').");
            }

            return (file, shape, dataStart);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
