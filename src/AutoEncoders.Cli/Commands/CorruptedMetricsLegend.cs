using System.Text.Json;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// For a denoising model, which test metrics are on corrupted inputs and which on clean ones: the objective's terms
/// are evaluated as in training (corrupted input, clean target), the reconstruction metrics on clean inputs, and a
/// bce next to a bce_per_value says nothing about that by itself.
/// </summary>
internal static class CorruptedMetricsLegend
{
    private static readonly JsonSerializerOptions OneLine = new(JsonDefaults.Options) { WriteIndented = false };

    /// <summary>The legend, or null when the objective corrupts nothing.</summary>
    public static string? Describe(Objective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (objective.Corruption is null)
        {
            return null;
        }

        string corruption = JsonSerializer.Serialize<Corruption>(objective.Corruption, OneLine);
        return $"on inputs corrupted by {corruption}, as in training: loss, {string.Join(", ", objective.TermNames)}; on clean inputs: squared_error_per_sample, mse_per_value, bce_per_value, psnr_db";
    }
}
