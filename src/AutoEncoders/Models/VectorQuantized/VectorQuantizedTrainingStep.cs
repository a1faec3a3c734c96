using AutoEncoders.Data;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.VectorQuantized;

/// <summary>
/// How a <see cref="VectorQuantizedAutoencoder"/> trains: the objective (its reconstruction term) plus the
/// commitment loss beta * ||z_e - sg(e)||^2, plus the codebook loss ||sg(z_e) - e||^2 when the codebook learns by
/// loss; with EMA updates the forward pass itself moves the codebook. "loss" is that sum; the metrics add
/// "commitment", "codebook" (codebook-loss variant only), and the batch's "perplexity" and "codes_used" (fraction of
/// the K codes chosen at least once in the batch; whole-dataset usage is in the model's evaluation metrics).
/// </summary>
public sealed class VectorQuantizedTrainingStep : ReconstructionStep
{
    private readonly VectorQuantizedAutoencoder _model;

    /// <summary>The step of <paramref name="model"/> on <paramref name="objective"/>'s reconstruction.</summary>
    public VectorQuantizedTrainingStep(VectorQuantizedAutoencoder model, Objective objective)
        : base(model, objective)
    {
        _model = model;
    }

    private bool CodebookByLoss => _model.QuantizedConfig.CodebookUpdate == CodebookUpdate.Loss;

    /// <inheritdoc />
    public override IReadOnlyList<string> MetricNames =>
        [.. base.MetricNames, "commitment", .. CodebookByLoss ? new[] { "codebook" } : [], "perplexity", "codes_used"];

    /// <inheritdoc />
    public override double[] Train(Batch batch, StepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ZeroGradients();
        (Tensor total, Tensor[] metrics) = Run(batch, context, context.Noise, training: true);
        double[] host = ReadScalars(metrics);
        GuardFinite(host, context);
        total.backward();
        context.ClipGradients(Parameters);
        foreach (optim.Optimizer optimizer in context.Optimizers)
        {
            optimizer.step();
        }

        return host;
    }

    /// <inheritdoc />
    public override double[] Evaluate(Batch batch, StepContext context, Generator generator) =>
        ReadScalars(Run(batch, context, generator, training: false).Metrics);

    private (Tensor Total, Tensor[] Metrics) Run(Batch batch, StepContext context, Generator generator, bool training)
    {
        ObjectiveValue value = Compute(batch, context, generator, training);
        VectorQuantization q = _model.LastQuantization
            ?? throw new InvalidOperationException("The VQ-VAE's forward pass left no quantisation.");
        Tensor total = value.Total + q.Commitment;
        List<Tensor> metrics = [total, .. value.Terms, q.Commitment];
        if (CodebookByLoss)
        {
            total = total + q.CodebookLoss;
            metrics[0] = total;
            metrics.Add(q.CodebookLoss);
        }

        metrics.Add(q.Perplexity);
        metrics.Add(q.UsedFraction);
        return (total, [.. metrics]);
    }
}
