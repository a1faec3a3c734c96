using AutoEncoders.Evaluation;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.VectorQuantized;

/// <summary>
/// VQ-VAE built from a <see cref="VectorQuantizedAutoencoderConfig"/> (van den Oord et al., 2017): a dense encoder
/// to M vectors of size D, the <see cref="VectorQuantizer"/>, a dense decoder. <see cref="Autoencoder.Encode"/>
/// returns the quantised vectors [B, M, D] and <see cref="EncodeIndices"/> the code indices [B, M];
/// <see cref="Autoencoder.Decode"/> snaps any vectors to their nearest codes first. There is no learned prior (the
/// paper fits a PixelCNN over the codes afterwards, which is not implemented here): <see cref="SamplePrior"/> draws
/// each position's code independently from how often it was chosen there during training, which ignores the
/// dependence between positions, so samples are rough.
/// </summary>
public sealed class VectorQuantizedAutoencoder : Autoencoder, IGenerativeAutoencoder
{
    private readonly VectorQuantizedAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly ModuleList<Linear> _decoder = new();
    private readonly VectorQuantizer _quantizer;

    /// <summary>Builds the layers with PyTorch's default initialisation and the codebook as <see cref="VectorQuantizer"/> says.</summary>
    public VectorQuantizedAutoencoder(VectorQuantizedAutoencoderConfig config)
        : base("vq_vae")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        int codeSize = config.CodeVectors * config.EmbeddingSize;
        int[] encoder = [.. config.Layers, codeSize];
        for (int i = 0; i < encoder.Length - 1; i++)
        {
            _encoder.Add(nn.Linear(encoder[i], encoder[i + 1]));
        }

        int[] decoder = [.. encoder.Reverse()];
        for (int i = 0; i < decoder.Length - 1; i++)
        {
            _decoder.Add(nn.Linear(decoder[i], decoder[i + 1]));
        }

        _quantizer = new VectorQuantizer(config);
        register_module("encoder", _encoder);
        register_module("quantizer", _quantizer);
        register_module("decoder", _decoder);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public VectorQuantizedAutoencoderConfig QuantizedConfig => _config;

    /// <summary>The codebook and its moving averages.</summary>
    public VectorQuantizer Quantizer => _quantizer;

    /// <summary>The quantisation of the latest <see cref="forward"/> pass, for the training step's extra terms.</summary>
    public VectorQuantization? LastQuantization { get; private set; }

    /// <inheritdoc />
    public string PriorDescription => FormattableString.Invariant(
        $"each of the {_config.CodeVectors} code positions drawn independently from its code histogram during training (no learned prior)");

    /// <summary>Trains on the objective plus the commitment (and codebook) loss (<see cref="VectorQuantizedTrainingStep"/>).</summary>
    public override TrainingStep CreateTrainingStep(Objective objective) => new VectorQuantizedTrainingStep(this, objective);

    /// <summary>
    /// Adds codebook usage over the whole of <paramref name="data"/>: "codebook_perplexity" (exp of the entropy of
    /// the code histogram of every vector of every example; K at uniform use, 1 at collapse) and
    /// "codebook_used_fraction" (codes chosen at least once, out of K).
    /// </summary>
    public override IReadOnlyDictionary<string, double> EvaluationMetrics(TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        IReadOnlyDictionary<string, double> common = base.EvaluationMetrics(data, options);
        (double perplexity, double used) = CodebookUsage(data);
        return new Dictionary<string, double>(common)
        {
            ["codebook_perplexity"] = perplexity,
            ["codebook_used_fraction"] = used,
        };
    }

    /// <summary>Perplexity and used fraction of the code histogram of all of <paramref name="data"/> (evaluation mode, no updates).</summary>
    public (double Perplexity, double UsedFraction) CodebookUsage(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Device device = _quantizer.Embedding.device;
        using Tensor counts = torch.zeros(_config.CodebookSize, dtype: ScalarType.Float64, device: device);
        using (torch.no_grad())
        {
            foreach (AutoEncoders.Data.Batch batch in data.Batches(1000))
            {
                using var scope = torch.NewDisposeScope();
                Tensor indices = EncodeIndices(batch.Features.to(device));
                counts.add_(torch.bincount(indices.reshape(-1), minlength: _config.CodebookSize).to(ScalarType.Float64));
            }
        }

        using var outer = torch.NewDisposeScope();
        Tensor p = counts / counts.sum();
        double perplexity = torch.exp(-(p * torch.log(p + 1e-12)).sum()).item<double>();
        double used = counts.gt(0).to(ScalarType.Float64).mean().item<double>();
        return (perplexity, used);
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor encoded = RunEncoder(input.reshape(input.shape[0], -1));
        VectorQuantization quantization = _quantizer.Quantize(encoded, update: training);
        LastQuantization = quantization;
        (Tensor output, Tensor pre) = RunDecoder(quantization.Quantized);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.OutputActivation == Activation.Sigmoid ? pre.reshape(input.shape) : null,
            Code = quantization.Quantized,
        };
    }

    /// <summary>The quantised code vectors [B, M, D] (no codebook update).</summary>
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return _quantizer.Lookup(EncodeIndices(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The code index of each of the M vectors, [B, M] (int64).</summary>
    public Tensor EncodeIndices(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return _quantizer.NearestCodes(RunEncoder(input.reshape(input.shape[0], -1))).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes code vectors [B, M, D] (or [B, M * D]) after snapping each to its nearest codebook entry.</summary>
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        Tensor vectors = code.reshape(code.shape[0], _config.CodeVectors, _config.EmbeddingSize);
        return DecodeIndices(_quantizer.NearestCodes(vectors)).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes code indices [B, M].</summary>
    public Tensor DecodeIndices(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = torch.NewDisposeScope();
        return RunDecoder(_quantizer.Lookup(indices)).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> code vectors [count, M, D]: each position's code drawn from its training histogram
    /// (uniformly before any training).
    /// </summary>
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        Tensor counts = _quantizer.PositionCounts.cpu();
        Tensor weights = counts.sum().item<float>() > 0 ? counts : torch.ones_like(counts);
        Tensor indices = torch.multinomial(weights, count, replacement: true, generator: generator).t();
        return _quantizer.Lookup(indices.to(_quantizer.Embedding.device)).MoveToOuterDisposeScope();
    }

    private Tensor RunEncoder(Tensor x) =>
        DenseStack.Run(_encoder, x, _config.Activation, Activation.Linear).Output.reshape(x.shape[0], _config.CodeVectors, _config.EmbeddingSize);

    private (Tensor Output, Tensor PreActivation) RunDecoder(Tensor vectors) =>
        DenseStack.Run(_decoder, vectors.reshape(vectors.shape[0], -1), _config.Activation, _config.OutputActivation);
}
