using System.Text.Json.Serialization;

namespace AutoEncoders.Models.VectorQuantized;

/// <summary>
/// A VQ-VAE (van den Oord, Vinyals and Kavukcuoglu, "Neural Discrete Representation Learning", NeurIPS 2017) with
/// a dense encoder and decoder: the encoder maps an input through <see cref="Layers"/> to
/// <see cref="CodeVectors"/> vectors of <see cref="EmbeddingSize"/> values, each snaps to its nearest entry of a
/// codebook of <see cref="CodebookSize"/> vectors, and the decoder mirrors the encoder back to the input. Trained
/// by <see cref="VectorQuantizedTrainingStep"/>: the objective's reconstruction term plus the commitment loss
/// (and the codebook loss when <see cref="CodebookUpdate"/> is <see cref="VectorQuantized.CodebookUpdate.Loss"/>).
/// </summary>
public sealed record VectorQuantizedAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input to the last hidden layer, e.g. [784, 512]; a linear layer then makes the code vectors.</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 512];

    /// <summary>Number M of code vectors per input (each quantised separately).</summary>
    public int CodeVectors { get; init; } = 16;

    /// <summary>Size D of each code vector and codebook entry.</summary>
    public int EmbeddingSize { get; init; } = 16;

    /// <summary>Number K of codebook entries.</summary>
    public int CodebookSize { get; init; } = 64;

    /// <summary>beta of the commitment loss beta * ||z_e - sg(e)||^2 (0.25 in the paper).</summary>
    public double CommitmentCost { get; init; } = 0.25;

    /// <summary>How the codebook learns: moving averages (the paper's appendix) or the codebook loss.</summary>
    public CodebookUpdate CodebookUpdate { get; init; } = CodebookUpdate.Ema;

    /// <summary>Decay gamma of the moving averages, in (0, 1) (0.99 in the paper).</summary>
    public double Decay { get; init; } = 0.99;

    /// <summary>Laplace smoothing of the moving-average counts (1e-5 as Sonnet), so that an unused code does not divide by zero.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <summary>Activation of the hidden layers of the encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (sigmoid for data in [0, 1]).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [CodeVectors, EmbeddingSize];

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new VectorQuantizedAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Layers is null || Layers.Count < 1 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"layers needs positive sizes from the input to the last hidden layer, e.g. [784, 512]; found [{string.Join(", ", Layers ?? [])}].");
        }

        if (CodeVectors < 1)
        {
            throw new ArgumentException($"codeVectors must be at least 1; found {CodeVectors}.");
        }

        if (EmbeddingSize < 1)
        {
            throw new ArgumentException($"embeddingSize must be at least 1; found {EmbeddingSize}.");
        }

        if (CodebookSize < 1)
        {
            throw new ArgumentException($"codebookSize must be at least 1 (the number of codebook entries, e.g. 64); found {CodebookSize}.");
        }

        if (!double.IsFinite(CommitmentCost) || CommitmentCost < 0)
        {
            throw new ArgumentException($"commitmentCost must be a finite number >= 0 (0.25 in the paper); found {CommitmentCost}.");
        }

        if (!(Decay > 0 && Decay < 1))
        {
            throw new ArgumentException($"decay must lie strictly between 0 and 1 (0.99 in the paper); found {Decay}.");
        }

        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
        {
            throw new ArgumentException($"epsilon must be a positive number (1e-5 as Sonnet); found {Epsilon}.");
        }
    }
}
