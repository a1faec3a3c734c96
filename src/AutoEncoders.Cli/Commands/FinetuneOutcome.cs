namespace AutoEncoders.Cli.Commands;

/// <summary>
/// How one `ae finetune` arm ran: epochs trained (fewer than asked when early stopping ended it), seconds of
/// training, and the validation split's error with the weights kept (null without --validation-split).
/// </summary>
internal sealed record FinetuneOutcome(int Epochs, double Seconds, double? ValidationError);
