using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>
/// The trainer's random streams, each reproducible by itself: shuffling (seed), corruption noise (seed + 1) and the
/// step's own named generators (seed + their offset); evaluation noise (seed + 2) is made afresh each time.
/// </summary>
internal sealed class TrainerGenerators(TrainingStep step, int seed) : IDisposable
{
    private readonly Dictionary<string, Generator> _named = [];
    private Generator? _shuffle;
    private Generator? _noise;

    public Generator Shuffle => _shuffle ??= new Generator((ulong)seed);

    public Generator Noise => _noise ??= new Generator((ulong)seed + 1);

    public Generator Named(string name)
    {
        if (!_named.TryGetValue(name, out Generator? generator))
        {
            int offset = step.Generators.TryGetValue(name, out int o) ? o : throw new KeyNotFoundException($"The step declares no generator '{name}'.");
            _named[name] = generator = new Generator((ulong)(seed + offset));
        }

        return generator;
    }

    /// <summary>The step's generators by name, for checkpoints.</summary>
    public Dictionary<string, Generator> ByName() => step.Generators.Keys.ToDictionary(n => n, Named);

    /// <summary>Back to the seeds, for a run that starts from scratch.</summary>
    public void Reseed()
    {
        Dispose();
        _named.Clear();
        (_shuffle, _noise) = (null, null);
    }

    public void Dispose()
    {
        _shuffle?.Dispose();
        _noise?.Dispose();
        foreach (Generator generator in _named.Values)
        {
            generator.Dispose();
        }
    }
}
