using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// The conditional variational autoencoder of a <see cref="ConditionalVariationalAutoencoderConfig"/> (Sohn et al.,
/// 2015): dense layers from [x, onehot(y)] to the heads of q(z|x, y), z = mu + sigma * eps, and dense layers from
/// [z, onehot(y)] to p(x|z, y). The labels are the condition of a scope (<see cref="Conditioned"/>), so every
/// member of <see cref="VariationalModel"/> (forward, Posterior, DecodePreActivation, Encode, Decode) and every
/// objective term and evaluation built on them works unchanged; outside a scope the condition is the zero vector
/// ("class unknown"). Its training step conditions each batch on the batch's labels
/// (<see cref="ConditionalTrainingStep"/>); <see cref="Generate"/> decodes prior draws for one class.
/// </summary>
public sealed class ConditionalVariationalAutoencoder : VariationalModel
{
    private readonly ConditionalVariationalAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly Linear _meanHead;
    private readonly Linear _spreadHead;
    private readonly ModuleList<Linear> _decoder = new();
    private Tensor? _labels;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public ConditionalVariationalAutoencoder(ConditionalVariationalAutoencoderConfig config)
        : base("conditional_variational_autoencoder", Checked(config).Likelihood, config.OutputActivation, config.Parameterization, config.Variance)
    {
        _config = config;
        IReadOnlyList<int> enc = config.Layers;
        for (int i = 0; i < enc.Count - 2; i++)
        {
            _encoder.Add(nn.Linear(enc[i] + (i == 0 ? config.Classes : 0), enc[i + 1]));
        }

        // With no hidden layer the heads read [x, onehot(y)] directly.
        long headInput = enc[^2] + (enc.Count == 2 ? config.Classes : 0);
        _meanHead = nn.Linear(headInput, enc[^1]);
        _spreadHead = nn.Linear(headInput, enc[^1]);
        IReadOnlyList<int> dec = config.EffectiveDecoderLayers;
        for (int i = 0; i < dec.Count - 1; i++)
        {
            _decoder.Add(nn.Linear(dec[i] + (i == 0 ? config.Classes : 0), dec[i + 1]));
        }

        register_module("encoder", _encoder);
        register_module("mean", _meanHead);
        register_module("spread", _spreadHead);
        register_module("decoder", _decoder);
        RegisterObservationVariance(config.LearnVariance);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public ConditionalVariationalAutoencoderConfig ConditionalConfig => _config;

    /// <summary>Number of classes K.</summary>
    public int Classes => _config.Classes;

    /// <inheritdoc />
    public override int LatentSize => _config.LatentSize;

    /// <inheritdoc />
    public override long DecodeValuesPerExample => _config.EffectiveDecoderLayers.Max() + _config.Classes;

    /// <summary>
    /// Conditions every pass until the returned scope is disposed on <paramref name="labels"/>: [B] class labels
    /// (0..K-1, or -1 for unknown) for batches of B rows, or of k * B rows (k samples per example, in the order of
    /// the IWAE evaluation: sample-major), or one label [1] or [] for any number of rows; null is "unknown" for all.
    /// Scopes nest; disposing restores the previous condition.
    /// </summary>
    /// <exception cref="ArgumentException">A label outside -1..K-1; the message names the model's classes.</exception>
    public IDisposable Conditioned(Tensor? labels)
    {
        Tensor? previous = _labels;
        if (labels is not null)
        {
            Tensor flat = labels.reshape(-1).to(ScalarType.Int64);
            if (flat.numel() > 0)
            {
                long min = flat.min().item<long>(), max = flat.max().item<long>();
                if (min < -1 || max >= _config.Classes)
                {
                    throw new ArgumentException($"class {(max >= _config.Classes ? max : min)} is outside the labels the model was trained on: classes 0..{_config.Classes - 1} (model.classes is {_config.Classes}).");
                }
            }

            _labels = flat;
        }
        else
        {
            _labels = null;
        }

        return new ConditionScope(this, previous);
    }

    /// <summary>
    /// <paramref name="count"/> new examples of class <paramref name="label"/>: z ~ N(0, I) from
    /// <paramref name="generator"/>, decoded with the class, [count, D] (the mean of p(x|z, y)).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The class is outside 0..K-1.</exception>
    public Tensor Generate(long count, int label, Generator? generator = null)
    {
        if (label < 0 || label >= _config.Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"class {label} is outside the labels the model was trained on: classes 0..{_config.Classes - 1} (model.classes is {_config.Classes}).");
        }

        using var scope = torch.NewDisposeScope();
        using var labels = torch.tensor(new long[] { label });
        using (Conditioned(labels))
        {
            return Decode(SamplePrior(count, generator)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Trains on the objective with each batch conditioned on its labels (<see cref="ConditionalTrainingStep"/>).</summary>
    public override TrainingStep CreateTrainingStep(Objective objective) => new ConditionalTrainingStep(this, objective);

    /// <summary>
    /// The variational metrics (<see cref="VariationalEvaluation"/>) and the reconstruction metrics with every example
    /// conditioned on its own label (the ELBO and IWAE bound are then of log p(x|y)); on data without labels, the
    /// unconditioned ones.
    /// </summary>
    public override IReadOnlyDictionary<string, double> EvaluationMetrics(TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (data.Labels is null)
        {
            return base.EvaluationMetrics(data, options);
        }

        if (options.ImportanceSamples < 0 || options.ElboSamples < 1)
        {
            throw new ArgumentException($"importance samples must be 0 or more and ELBO samples 1 or more; found {options.ImportanceSamples} and {options.ElboSamples}.");
        }

        const int batchSize = 100;
        long importanceLimit = Math.Min(data.Count, options.ImportanceLimit ?? data.Count);
        double elbo = 0, kl = 0, likelihood = 0, iwae = 0, iwaeElbo = 0;
        long iwaeCount = 0, start = 0;
        int index = 0;
        foreach (Batch batch in data.Batches(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            using var slice = new TensorDataset(batch.Features.alias(), batch.Labels!.alias());
            using (Conditioned(batch.Labels.to(ParameterDevice)))
            {
                VariationalMetrics part = VariationalEvaluation.Evaluate(this, slice, 0, null, batchSize, options.Seed + index, options.ElboSamples);
                elbo += part.Elbo * part.Count;
                kl += part.Kl * part.Count;
                likelihood += part.ExpectedLogLikelihood * part.Count;
            }

            // The IWAE bound on the first examples only: the part of this batch before the limit, conditioned alike.
            long inside = Math.Min(batch.Size, importanceLimit - start);
            if (options.ImportanceSamples > 0 && inside > 0)
            {
                using TensorDataset subset = slice.Slice(0, inside);
                using (Conditioned(subset.Labels!.to(ParameterDevice)))
                {
                    VariationalMetrics part = VariationalEvaluation.Evaluate(this, subset, options.ImportanceSamples, null, batchSize, options.Seed + index, options.ElboSamples);
                    iwae += part.ImportanceWeightedBound!.Value * part.ImportanceCount;
                    iwaeElbo += part.ElboOnImportanceSubset!.Value * part.ImportanceCount;
                    iwaeCount += part.ImportanceCount;
                }
            }

            start += batch.Size;
            index++;
        }

        long n = Math.Max(1, data.Count);
        using var outer = torch.NewDisposeScope();
        Tensor means = MapConditioned(data, Encode);
        var metrics = new VariationalMetrics
        {
            Count = data.Count,
            Elbo = elbo / n,
            Kl = kl / n,
            ExpectedLogLikelihood = likelihood / n,
            ElboSamples = options.ElboSamples,
            ActiveUnits = VariationalEvaluation.ActiveUnits(means),
            ActiveUnitThreshold = VariationalEvaluation.ActiveUnitThreshold,
            LatentSize = LatentSize,
            ImportanceSamples = options.ImportanceSamples,
            ImportanceCount = iwaeCount,
            ImportanceWeightedBound = options.ImportanceSamples > 0 ? iwae / Math.Max(1, iwaeCount) : null,
            ElboOnImportanceSubset = options.ImportanceSamples > 0 ? iwaeElbo / Math.Max(1, iwaeCount) : null,
        };
        var result = new Dictionary<string, double>(metrics.ToDictionary());

        // The same keys as the common reconstruction metrics, which decode without the label: these replace them.
        Tensor reconstructions = MapConditioned(data, Reconstruct);
        foreach ((string key, double value) in ReconstructionMetrics.Compute(data.Features, reconstructions).ToDictionary())
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary><paramref name="step"/> over <paramref name="data"/> in batches, each conditioned on its examples' labels (evaluation mode, no gradients).</summary>
    public Tensor MapConditioned(TensorDataset data, Func<Tensor, Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(step);
        Tensor? labels = data.Labels;
        Tensor features = data.Features;
        Device device = ParameterDevice;
        using var indices = torch.arange(data.Count);
        return BatchedInference.Map(this, indices, index =>
        {
            using (Conditioned(labels?.index_select(0, index).to(device)))
            {
                return step(features.index_select(0, index).to(device)).cpu();
            }
        });
    }

    /// <inheritdoc />
    public override (Tensor Mean, Tensor LogVariance) Posterior(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance) = RunEncoder(input.reshape(input.shape[0], -1));
        return (mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (Tensor mean, Tensor logVariance) = RunEncoder(input.reshape(input.shape[0], -1));
        return SampleAndDecode(input, mean, logVariance);
    }

    /// <summary>The output layer before its activation for codes [N, d] and the current condition, flat [N, D].</summary>
    public override Tensor DecodePreActivation(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Tensor z = code.reshape(code.shape[0], -1);
        Tensor h = torch.cat([z, Condition(z.shape[0], z.device, z.dtype)], 1);
        int last = _decoder.Count - 1;
        for (int i = 0; i < last; i++)
        {
            h = ActivationFunction.Apply(_config.Activation, _decoder[i].forward(h));
        }

        return _decoder[last].forward(h);
    }

    private (Tensor Mean, Tensor LogVariance) RunEncoder(Tensor x)
    {
        Tensor h = torch.cat([x, Condition(x.shape[0], x.device, x.dtype)], 1);
        foreach (Linear layer in _encoder)
        {
            h = ActivationFunction.Apply(_config.Activation, layer.forward(h));
        }

        return (_meanHead.forward(h), SpreadToLogVariance(_spreadHead.forward(h)));
    }

    /// <summary>The condition of <paramref name="rows"/> rows: one-hot labels (zeros for unknown), [rows, K].</summary>
    private Tensor Condition(long rows, Device device, ScalarType dtype)
    {
        if (_labels is null)
        {
            return torch.zeros([rows, _config.Classes], dtype: dtype, device: device);
        }

        long b = _labels.shape[0];
        if (b != 1 && (b == 0 || rows % b != 0))
        {
            throw new InvalidOperationException($"The model is conditioned on {b} labels but the batch has {rows} rows (a multiple of {b} was expected).");
        }

        Tensor labels = _labels.to(device);
        Tensor known = labels.ge(0).to(dtype).unsqueeze(1);
        Tensor oneHot = nn.functional.one_hot(labels.clamp_min(0), _config.Classes).to(dtype) * known;
        return b == 1 ? oneHot.expand(rows, -1) : oneHot.repeat(rows / b, 1);
    }

    private sealed class ConditionScope(ConditionalVariationalAutoencoder model, Tensor? previous) : IDisposable
    {
        public void Dispose() => model._labels = previous;
    }
}
