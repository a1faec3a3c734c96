using AutoEncoders.Evaluation;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// The semi-supervised adversarial autoencoder of a <see cref="SemiSupervisedAdversarialAutoencoderConfig"/>
/// (Makhzani et al., 2015, section 5, figure 8): a shared dense encoder with a class head (softmax y) and a style head
/// (z), a dense decoder from [y, z], and two discriminators, on y and on z. <see cref="Autoencoder.Encode"/> returns
/// [softmax(y), z]; <see cref="Classify"/> the class logits. Prior draws are a one-hot class chosen uniformly with a
/// Gaussian style, so decoding them generates digits of a chosen or random class.
/// </summary>
public sealed class SemiSupervisedAdversarialAutoencoder : Autoencoder, IGenerativeAutoencoder
{
    private readonly SemiSupervisedAdversarialAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly Linear _classHead;
    private readonly Linear _styleHead;
    private readonly ModuleList<Linear> _decoder = new();
    private readonly ModuleList<Linear> _classDiscriminator = new();
    private readonly ModuleList<Linear> _styleDiscriminator = new();

    /// <summary>Builds the layers with PyTorch's default initialisation.</summary>
    public SemiSupervisedAdversarialAutoencoder(SemiSupervisedAdversarialAutoencoderConfig config)
        : base("semisupervised_adversarial_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        DenseStack.Build(_encoder, config.Layers);
        _classHead = nn.Linear(config.Layers[^1], config.Classes);
        _styleHead = nn.Linear(config.Layers[^1], config.StyleSize);
        DenseStack.Build(_decoder, [config.Classes + config.StyleSize, .. config.EffectiveDecoderHidden, config.Layers[0]]);
        CodeDiscriminator.Build(_classDiscriminator, config.Classes, config.DiscriminatorLayers);
        CodeDiscriminator.Build(_styleDiscriminator, config.StyleSize, config.DiscriminatorLayers);
        register_module("encoder", _encoder);
        register_module("class_head", _classHead);
        register_module("style_head", _styleHead);
        register_module("decoder", _decoder);
        register_module("class_discriminator", _classDiscriminator);
        register_module("style_discriminator", _styleDiscriminator);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public SemiSupervisedAdversarialAutoencoderConfig SemiSupervisedConfig => _config;

    /// <inheritdoc />
    public string PriorDescription => FormattableString.Invariant(
        $"a uniform one-hot class of {_config.Classes} with a N(0, {_config.StyleStd:G3}^2 I) style of {_config.StyleSize}");

    /// <summary>Parameters of the encoder (shared layers and both heads).</summary>
    public IEnumerable<Parameter> EncoderParameters => _encoder.parameters().Concat(_classHead.parameters()).Concat(_styleHead.parameters());

    /// <summary>Parameters of the encoder and decoder (the reconstruction phase).</summary>
    public IEnumerable<Parameter> AutoencoderParameters => EncoderParameters.Concat(_decoder.parameters());

    /// <summary>Parameters of both discriminators.</summary>
    public IEnumerable<Parameter> DiscriminatorParameters => _classDiscriminator.parameters().Concat(_styleDiscriminator.parameters());

    /// <summary>Trains in four phases per batch (<see cref="SemiSupervisedAdversarialTrainingStep"/>).</summary>
    public override TrainingStep CreateTrainingStep(Objective objective) => new SemiSupervisedAdversarialTrainingStep(this, objective);

    /// <summary>Adds "classification_error": the fraction of labelled examples of <paramref name="data"/> whose argmax y is wrong.</summary>
    public override IReadOnlyDictionary<string, double> EvaluationMetrics(TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        IReadOnlyDictionary<string, double> common = base.EvaluationMetrics(data, options);
        return data.Labels is null ? common : new Dictionary<string, double>(common) { ["classification_error"] = ClassificationError(data) };
    }

    /// <summary>The fraction of the examples of <paramref name="data"/> (labels needed) whose predicted class is wrong.</summary>
    public double ClassificationError(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null)
        {
            throw new AutoEncoders.Data.DataFormatException(data.Name, "labels", "labels are needed to measure a classification error; the data has none");
        }

        bool wasTraining = training;
        eval();
        long wrong = 0;
        try
        {
            using IDisposable noGrad = torch.no_grad();
            foreach (AutoEncoders.Data.Batch batch in data.Batches(1000))
            {
                using var scope = torch.NewDisposeScope();
                Device device = _classHead.weight!.device;
                wrong += Classify(batch.Features.to(device)).argmax(1).ne(batch.Labels!.to(device)).sum().item<long>();
            }
        }
        finally
        {
            train(wasTraining);
        }

        return (double)wrong / data.Count;
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor code = Encode(input);
        (Tensor output, Tensor pre) = DenseStack.Run(_decoder, code, _config.Activation, _config.OutputActivation);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.OutputActivation == Activation.Sigmoid ? pre.reshape(input.shape) : null,
            Code = code,
        };
    }

    /// <summary>[softmax(y), z] [B, classes + style].</summary>
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor logits, Tensor style) = Heads(input);
        return torch.cat([nn.functional.softmax(logits, 1), style], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The class logits y (before the softmax) [B, classes] and the style z [B, style].</summary>
    public (Tensor ClassLogits, Tensor Style) Heads(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        Tensor h = DenseStack.Run(_encoder, input.reshape(input.shape[0], -1), _config.Activation, _config.Activation).Output;
        Tensor logits = _classHead.forward(h);
        Tensor style = _styleHead.forward(h);
        return (logits.MoveToOuterDisposeScope(), style.MoveToOuterDisposeScope());
    }

    /// <summary>The class logits [B, classes].</summary>
    public Tensor Classify(Tensor input) => Heads(input).ClassLogits;

    /// <inheritdoc />
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        return DenseStack.Run(_decoder, code.reshape(code.shape[0], -1), _config.Activation, _config.OutputActivation).Output.MoveToOuterDisposeScope();
    }

    /// <summary>The class discriminator's logit [B] that <paramref name="classCode"/> [B, classes] is a one-hot prior draw.</summary>
    public Tensor DiscriminateClass(Tensor classCode) => CodeDiscriminator.Logit(_classDiscriminator, classCode);

    /// <summary>The style discriminator's logit [B] that <paramref name="style"/> [B, style] is a Gaussian prior draw.</summary>
    public Tensor DiscriminateStyle(Tensor style) => CodeDiscriminator.Logit(_styleDiscriminator, style);

    /// <summary><paramref name="count"/> one-hot classes drawn uniformly [count, classes].</summary>
    public Tensor SampleClasses(long count, Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor chosen = torch.randint(0, _config.Classes, [count], generator: generator);
        return nn.functional.one_hot(chosen, _config.Classes).to(ScalarType.Float32).to(_classHead.weight!.device).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> styles from N(0, std^2 I) [count, style].</summary>
    public Tensor SampleStyles(long count, Generator? generator = null) =>
        (torch.randn([count, _config.StyleSize], generator: generator) * _config.StyleStd).to(_classHead.weight!.device);

    /// <inheritdoc />
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        return torch.cat([SampleClasses(count, generator), SampleStyles(count, generator)], 1).MoveToOuterDisposeScope();
    }
}
