using AutoEncoders.Applications.Search;
using AutoEncoders.Persistence;

namespace AutoEncoders.Serving;

/// <summary>
/// What one <c>ae serve</c> process serves: a trained model, and optionally an anomaly detector (for /v1/score), a
/// code index (for /v1/search) and test items (for the explorer page). It owns them all.
/// </summary>
public sealed class ServedModel : IDisposable
{
    /// <summary>Wraps what is served.</summary>
    public ServedModel(TrainedAutoencoder model, string source, ServedDetector? detector = null, CodeIndex? index = null, ExplorerItems? explorer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Source = source;
        Detector = detector;
        Index = index;
        Explorer = explorer;
        if (index is not null && index.Dimensions != model.Manifest.Model.CodeShape.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"--index: its codes have {index.Dimensions} dimensions; the model's codes have {string.Join("x", model.Manifest.Model.CodeShape)} (build the index with this model: `ae index`).");
        }
    }

    /// <summary>The trained model.</summary>
    public TrainedAutoencoder Model { get; }

    /// <summary>Where the model came from (its folder's name), for /v1/model.</summary>
    public string Source { get; }

    /// <summary>The detector, when one was loaded.</summary>
    public ServedDetector? Detector { get; }

    /// <summary>The code index, when one was loaded.</summary>
    public CodeIndex? Index { get; }

    /// <summary>The explorer's test items, when the data could be loaded.</summary>
    public ExplorerItems? Explorer { get; }

    /// <summary>Shape of one input sample.</summary>
    public long[] InputShape => Model.Manifest.Model.InputShape;

    /// <summary>Shape of one code.</summary>
    public long[] CodeShape => Model.Manifest.Model.CodeShape;

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Dispose();
        Index?.Dispose();
        Explorer?.Samples.Dispose();
    }
}
