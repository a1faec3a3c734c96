using static TorchSharp.torch;

namespace AutoEncoders.Data.Streaming;

/// <summary>
/// What the training loop needs from its data: the number of samples, their shape and seeded mini-batches, drawn
/// from memory (<see cref="TensorDataset"/>) or from a file read in blocks (<see cref="StreamingDataset"/>).
/// </summary>
public interface IBatchSource : IDisposable
{
    /// <summary>Where the data came from, for messages.</summary>
    string Name { get; }

    /// <summary>Number of samples.</summary>
    long Count { get; }

    /// <summary>Shape of one sample.</summary>
    long[] SampleShape { get; }

    /// <summary>Number of values in one sample.</summary>
    long SampleSize { get; }

    /// <summary>Number of batches per epoch for a batch size.</summary>
    long BatchCount(int batchSize, bool dropLast = false);

    /// <summary>
    /// Mini-batches in order or shuffled by <paramref name="generator"/>, starting at batch <paramref name="skip"/>
    /// (which draws from the generator exactly as the skipped batches would, so a resumed epoch continues the same
    /// order). A batch's tensors are disposed when the next batch is requested.
    /// </summary>
    IEnumerable<Batch> Batches(int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false, int skip = 0);
}
