using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data.Streaming;

/// <summary>
/// Walks a <see cref="StreamingDataset"/>'s blocks in a given order for one epoch: holds the block batches are drawn
/// from and its row permutation, and reads the next block on another thread meanwhile, so the file is read while the
/// model trains.
/// </summary>
internal sealed class BlockReader(StreamingDataset data, int[] order) : IDisposable
{
    private Tensor? _block;
    private Tensor? _permutation;
    private long _offset;
    private int _position;
    private (int Position, Tensor Block, Task Read)? _ahead;

    /// <summary>Makes <paramref name="position"/> in the order the current block, at row <paramref name="offset"/> of its (permuted) rows.</summary>
    public void Enter(int position, bool shuffle, Generator? generator, long offset)
    {
        _block?.Dispose();
        _permutation?.Dispose();
        _position = position;
        int block = order[position];
        if (_ahead is { } ahead && ahead.Position == position)
        {
            _ahead = null;
            _block = ahead.Block;
            ahead.Read.GetAwaiter().GetResult();
        }
        else
        {
            _block = NewBlock(block);
            data.Fill(block, _block);
        }

        // Drawn when the block is reached, in block order: an epoch's draws are the same however it is read.
        _permutation = shuffle ? torch.randperm(data.BlockRows(block), generator: generator) : null;
        _offset = offset;
        ReadAhead(position + 1);
    }

    /// <summary>The next <paramref name="size"/> rows of the epoch, crossing into the following blocks as needed.</summary>
    public Tensor Take(long size, bool shuffle, Generator? generator)
    {
        var parts = new List<Tensor>();
        try
        {
            while (size > 0)
            {
                long rows = _block!.shape[0];
                if (_offset == rows)
                {
                    Enter(_position + 1, shuffle, generator, 0);
                    rows = _block!.shape[0];
                }

                long take = Math.Min(size, rows - _offset);
                if (_permutation is null)
                {
                    parts.Add(_block.narrow(0, _offset, take));
                }
                else
                {
                    using Tensor index = _permutation.narrow(0, _offset, take);
                    parts.Add(_block.index_select(0, index));
                }

                _offset += take;
                size -= take;
            }

            if (parts.Count == 1)
            {
                Tensor only = parts[0];
                parts.Clear();
                return only;
            }

            return torch.cat(parts);
        }
        finally
        {
            parts.ForEach(p => p.Dispose());
        }
    }

    public void Dispose()
    {
        if (_ahead is { } ahead)
        {
            // The read writes into the block's memory: it must end before the block is freed.
            ahead.Read.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
            ahead.Block.Dispose();
            _ahead = null;
        }

        _block?.Dispose();
        _permutation?.Dispose();
    }

    private void ReadAhead(int position)
    {
        if (position >= order.Length)
        {
            return;
        }

        int block = order[position];
        Tensor next = NewBlock(block);
        (IntPtr start, int values) = data.Memory(block, next);
        _ahead = (position, next, Task.Run(() => data.Read(block, start, values)));
    }

    private Tensor NewBlock(int block) =>
        torch.empty([data.BlockRows(block), .. data.SampleShape], ScalarType.Float32);
}
