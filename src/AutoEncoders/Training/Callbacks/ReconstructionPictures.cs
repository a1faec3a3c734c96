using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Visualization;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Every <see cref="Every"/> epochs, writes <c>reconstructions-epoch-NNN.png</c> into <see cref="Directory"/>: the same
/// samples (chosen once, with a seed) above the model's reconstructions of them (<see cref="ReconstructionGrid"/>), so
/// the pictures show learning progress. Reconstruction runs in evaluation mode and draws no random numbers from
/// torch's generator, so it leaves the run (and its exact resume) unchanged.
/// </summary>
public sealed class ReconstructionPictures : ITrainingCallback, IDisposable
{
    private readonly Tensor _samples;

    /// <summary>Draws from <paramref name="samples"/> ([N, ...] images of <paramref name="layout"/>) every <paramref name="every"/> epochs.</summary>
    public ReconstructionPictures(string directory, Tensor samples, ImageLayout layout, int every = 1, int count = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Directory = directory;
        Layout = layout;
        Every = every;
        _samples = samples.narrow(0, 0, Math.Min(count, samples.shape[0])).detach().clone().DetachFromDisposeScope();
    }

    /// <summary>Where the pictures go.</summary>
    public string Directory { get; }

    /// <summary>How a sample is drawn as an image.</summary>
    public ImageLayout Layout { get; }

    /// <summary>Epochs between pictures.</summary>
    public int Every { get; }

    /// <summary>The pictures written so far.</summary>
    public IList<string> Written { get; } = [];

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Epoch % Every != 0 || trainer.Model is not Autoencoder model)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        string path = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"reconstructions-epoch-{record.Epoch:000}.png"));
        ReconstructionGrid.Save(model, _samples, Layout, path, count: (int)_samples.shape[0]);
        Written.Add(path);
    }

    /// <summary>Releases the samples.</summary>
    public void Dispose() => _samples.Dispose();
}
