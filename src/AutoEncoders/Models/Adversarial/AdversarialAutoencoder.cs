using AutoEncoders.Evaluation;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// Adversarial autoencoder built from an <see cref="AdversarialAutoencoderConfig"/> (Makhzani et al., 2015): encoder,
/// decoder and a code discriminator D(z[, label]) that outputs one logit (data code versus prior draw). The forward
/// pass is the plain autoencoder's; the adversarial phases live in its training step, <see cref="AdversarialTrainingStep"/>.
/// </summary>
public sealed class AdversarialAutoencoder : Autoencoder, IGenerativeAutoencoder
{
    private readonly AdversarialAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly ModuleList<Linear> _decoder = new();
    private readonly ModuleList<Linear> _discriminator = new();

    /// <summary>Builds the layers with PyTorch's default initialisation.</summary>
    public AdversarialAutoencoder(AdversarialAutoencoderConfig config)
        : base("adversarial_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        DenseStack.Build(_encoder, config.Layers);
        DenseStack.Build(_decoder, config.EffectiveDecoderLayers);
        CodeDiscriminator.Build(_discriminator, config.Layers[^1] + (config.Prior.ConditionOnLabels ? config.Prior.Components : 0), config.DiscriminatorLayers);
        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
        register_module("discriminator", _discriminator);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public AdversarialAutoencoderConfig AdversarialConfig => _config;

    /// <summary>Size of the code.</summary>
    public int CodeSize => _config.Layers[^1];

    /// <inheritdoc />
    public string PriorDescription => _config.Prior.Description;

    /// <summary>Parameters of the encoder (the generator of the adversarial game).</summary>
    public IEnumerable<Parameter> EncoderParameters => _encoder.parameters();

    /// <summary>Parameters of the encoder and decoder (the reconstruction phase).</summary>
    public IEnumerable<Parameter> AutoencoderParameters => _encoder.parameters().Concat(_decoder.parameters());

    /// <summary>Trains in three phases per batch (<see cref="AdversarialTrainingStep"/>).</summary>
    public override TrainingStep CreateTrainingStep(Objective objective) => new AdversarialTrainingStep(this, objective);

    /// <summary>
    /// How close the codes of the first <see cref="ModelEvaluationOptions.PriorMatchExamples"/> examples are to the
    /// prior the discriminator imposes: mmd2, mmd2_standardized and mmd2_prior_vs_prior (<see cref="PriorMatch"/>).
    /// </summary>
    public override IReadOnlyDictionary<string, double> EvaluationMetrics(AutoEncoders.Data.TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyDictionary<string, double> common = base.EvaluationMetrics(data, options);
        long count = Math.Min(options.PriorMatchExamples, data.Count);
        if (count < 2)
        {
            return common;
        }

        PriorMatch match = PriorMatch.Of(this, data, count, options.Seed);
        return new Dictionary<string, double>(common)
        {
            ["prior_mmd2"] = match.Mmd2,
            ["prior_mmd2_standardized"] = match.Mmd2Standardized,
            ["prior_mmd2_prior_vs_prior"] = match.Mmd2PriorVsPrior,
        };
    }

    /// <summary>Parameters of the discriminator.</summary>
    public IEnumerable<Parameter> DiscriminatorParameters => _discriminator.parameters();

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hidden = new List<HiddenActivation>(_encoder.Count);
        Tensor code = RunEncoder(input.reshape(input.shape[0], -1), hidden);
        (Tensor output, Tensor pre) = RunDecoder(code);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.OutputActivation == Activation.Sigmoid ? pre.reshape(input.shape) : null,
            Code = code,
            Hidden = hidden,
        };
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RunEncoder(input.reshape(input.shape[0], -1), hidden: null);
    }

    /// <inheritdoc />
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        return RunDecoder(code.reshape(code.shape[0], -1)).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The discriminator's logit [B] that <paramref name="code"/> [B, d] is a prior draw rather than a data code;
    /// with a label-conditioned prior it also sees the one-hot <paramref name="labels"/> (all zeros when null or
    /// for an unlabelled example, label -1).
    /// </summary>
    public Tensor Discriminate(Tensor code, Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        Tensor h = code;
        if (_config.Prior.ConditionOnLabels)
        {
            Tensor oneHot = torch.zeros(code.shape[0], _config.Prior.Components, device: code.device);
            if (labels is not null)
            {
                using Scalar first = 0L.ToScalar();
                using Scalar last = ((long)_config.Prior.Components - 1).ToScalar();
                using Scalar count = ((long)_config.Prior.Components).ToScalar();
                Tensor l = labels.to(ScalarType.Int64).to(code.device);
                Tensor known = l.ge(first).logical_and(l.lt(count));
                oneHot = nn.functional.one_hot(l.clamp(first, last), _config.Prior.Components).to(ScalarType.Float32) * known.unsqueeze(1).to(ScalarType.Float32);
            }

            h = torch.cat([code, oneHot], 1);
        }

        return CodeDiscriminator.Logit(_discriminator, h).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor SamplePrior(long count, Generator? generator = null) =>
        _config.Prior.Sample(count, CodeSize, generator, device: _decoder[0].weight!.device);

    /// <summary>Prior draws for a batch with <paramref name="labels"/>: from each class's component when the prior is label-conditioned.</summary>
    public Tensor SamplePrior(Tensor labels, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Device device = _decoder[0].weight!.device;
        if (!_config.Prior.ConditionOnLabels)
        {
            return _config.Prior.Sample(labels.shape[0], CodeSize, generator, device: device);
        }

        using var scope = torch.NewDisposeScope();
        using Scalar first = 0L.ToScalar();
        using Scalar count = ((long)_config.Prior.Components).ToScalar();
        Tensor l = labels.to(ScalarType.Int64).to(device);
        Tensor random = torch.randint(0, _config.Prior.Components, [l.shape[0]], generator: generator).to(device);
        Tensor known = l.ge(first).logical_and(l.lt(count));
        return _config.Prior.Sample(l.shape[0], CodeSize, generator, torch.where(known, l, random), device).MoveToOuterDisposeScope();
    }

    private Tensor RunEncoder(Tensor x, List<HiddenActivation>? hidden)
    {
        Tensor h = x;
        int last = _encoder.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            Tensor z = _encoder[i].forward(h);
            Activation activation = i == last ? Activation.Linear : _config.Activation;
            Tensor a = ActivationFunction.Apply(activation, z);
            hidden?.Add(new HiddenActivation($"encoder.{i}", h, z, a, activation, _encoder[i].weight));
            h = a;
        }

        return h;
    }

    private (Tensor Output, Tensor PreActivation) RunDecoder(Tensor code) =>
        DenseStack.Run(_decoder, code, _config.Activation, _config.OutputActivation);
}
