export class SignatureRepository {}
