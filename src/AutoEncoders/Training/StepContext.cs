using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>What the <see cref="Trainer"/> gives a <see cref="TrainingStep"/>: where it is, the optimisers and the random generators.</summary>
public sealed class StepContext
{
    private readonly Trainer _trainer;

    internal StepContext(Trainer trainer) => _trainer = trainer;

    /// <summary>Where the model and batches live.</summary>
    public Device Device => _trainer.Device;

    /// <summary>Zero-based epoch in progress.</summary>
    public int Epoch => _trainer.Epoch;

    /// <summary>Optimisation steps done before this one.</summary>
    public long Step => _trainer.Step;

    /// <summary>Batches of the epoch done before this one.</summary>
    public int Batch => _trainer.BatchInEpoch;

    /// <summary>The optimisers, in <see cref="TrainingStep.CreateOptimizers"/> order.</summary>
    public IReadOnlyList<optim.Optimizer> Optimizers => _trainer.Optimizers;

    /// <summary>Generator of corruption noise during training (saved in checkpoints).</summary>
    public Generator Noise => _trainer.NoiseGenerator;

    /// <summary>One of the step's own generators (<see cref="TrainingStep.Generators"/>).</summary>
    public Generator Random(string name) => _trainer.NamedGenerator(name);

    /// <summary>Sets every optimiser's gradients to zero.</summary>
    public void ZeroGradients()
    {
        foreach (optim.Optimizer optimizer in Optimizers)
        {
            optimizer.zero_grad();
        }
    }

    /// <summary>
    /// Drops every optimiser's gradients (PyTorch's <c>zero_grad(set_to_none=True)</c>), for a step whose backward pass
    /// reaches every parameter: backward then hands each gradient over in a fresh buffer instead of adding it into a
    /// zeroed one, a zeroing pass and an addition pass fewer per parameter (784-1000-500-250-30 at batch 64, one
    /// thread: 18.8 to 17.1 ms of CPU per step, docs/performance.md). A parameter the backward pass does not reach keeps
    /// no gradient and is skipped by the update instead of being moved by its momentum.
    /// </summary>
    public void ClearGradients()
    {
        foreach (optim.Optimizer optimizer in Optimizers)
        {
            foreach (ParamGroup group in ((OptimizerHelper)optimizer).ParamGroups)
            {
                foreach (Parameter parameter in group.Parameters)
                {
                    parameter.grad = null;
                }
            }
        }
    }

    /// <summary>Clips the global gradient norm of <paramref name="parameters"/> when <see cref="TrainerOptions.GradientClipNorm"/> is set.</summary>
    public void ClipGradients(IEnumerable<Parameter> parameters)
    {
        if (_trainer.Options.GradientClipNorm is double maxNorm)
        {
            nn.utils.clip_grad_norm_(parameters.Where(p => p.requires_grad), maxNorm);
        }
    }

    /// <summary>
    /// One update phase: sets every optimiser's gradients to zero, back-propagates <paramref name="loss"/>, clips the
    /// gradients of <paramref name="parameters"/> (when the trainer clips) and steps <paramref name="optimizer"/>.
    /// A model that trains in several phases per batch (the adversarial autoencoders) calls it once per phase; the
    /// loss is computed before, so its value can be read and checked first.
    /// </summary>
    public void Update(Tensor loss, IEnumerable<Parameter> parameters, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ZeroGradients();
        loss.backward();
        ClipGradients(parameters);
        optimizer.step();
    }
}
