export class IngestRepository {}
