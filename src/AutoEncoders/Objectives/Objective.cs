using System.Text.Json.Serialization;
using AutoEncoders.Objectives.Corruptions;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// What a model is trained to minimise: a reconstruction loss plus weighted penalties, with an optional
/// corruption of the input. Composes freely: denoising + sparse + contractive is one objective.
/// </summary>
public sealed class Objective
{
    /// <summary>The reconstruction term (MSE by default).</summary>
    public LossTerm Reconstruction { get; init; } = new MeanSquaredError();

    /// <summary>Penalties added to the reconstruction term.</summary>
    public IReadOnlyList<LossTerm> Penalties { get; init; } = [];

    /// <summary>Corruption applied to training inputs (denoising), or null.</summary>
    public Corruption? Corruption { get; init; }

    /// <summary>All terms, reconstruction first.</summary>
    [JsonIgnore]
    public IEnumerable<LossTerm> Terms => Penalties.Prepend(Reconstruction);

    /// <summary>Names of the terms in history and logs, made unique with a numeric suffix when repeated.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> TermNames
    {
        get
        {
            var names = new List<string>();
            foreach (LossTerm term in Terms)
            {
                string name = term.Name;
                int n = 2;
                while (names.Contains(name))
                {
                    name = $"{term.Name}_{n++}";
                }

                names.Add(name);
            }

            return names;
        }
    }

    /// <summary>True when a term differentiates through the input (the trainer then sets requires_grad on it).</summary>
    [JsonIgnore]
    public bool NeedsInputGradient => Terms.Any(t => t.NeedsInputGradient);

    /// <summary>Evaluates every term; the terms are returned weighted.</summary>
    public ObjectiveValue Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var terms = new List<Tensor>();
        Tensor? total = null;
        foreach (LossTerm term in Terms)
        {
            Tensor value = term.Compute(context);
            Tensor weighted = value;
            if (term.Weight != 1.0)
            {
                // An explicit Scalar alive across the native call (see AdversarialTrainingStep.DiscriminatorLoss).
                using Scalar weight = term.Weight.ToScalar();
                weighted = value.mul(weight);
            }

            terms.Add(weighted);
            total = total is null ? weighted : total + weighted;
        }

        return new ObjectiveValue(total!, terms);
    }

    /// <summary>Checks every part, throwing <see cref="ArgumentException"/> naming the offending field.</summary>
    public void Validate()
    {
        Corruption?.Validate();
        foreach (LossTerm term in Terms)
        {
            if (double.IsNaN(term.Weight) || term.Weight < 0)
            {
                throw new ArgumentException($"objective: the weight of {term.Name} must be a non-negative number; found {term.Weight}.");
            }

            term.Validate();
        }
    }

    /// <summary>Asks every term whether it can train <paramref name="model"/> with <paramref name="options"/> (<see cref="LossTerm.CheckTraining"/>).</summary>
    public void CheckTraining(Models.Autoencoder model, Training.TrainerOptions options)
    {
        foreach (LossTerm term in Terms)
        {
            term.CheckTraining(model, options);
        }
    }

    /// <summary>Forgets the state of stateful terms (running means).</summary>
    public void ResetState()
    {
        foreach (LossTerm term in Terms)
        {
            term.ResetState();
        }
    }
}
